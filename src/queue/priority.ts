/**
 * BullMQ priority of a run's chunks (1 is served first). One queue with priorities rather than
 * a queue per class: the autoscaler reads one backlog metric, and a worker never idles on an
 * empty "interactive" queue while batch work waits. Small runs — what a person is waiting for —
 * overtake the chunks of big batch runs already queued; a big run still progresses because
 * workers pick its chunks whenever nothing smaller waits. Priority 0 (none) is avoided on
 * purpose: BullMQ serves unprioritised jobs before every prioritised one.
 */
export function priorityForRun(total: number, interactive = false): number {
  if (interactive || total <= 100) return 1;
  if (total <= 2_000) return 2;
  if (total <= 20_000) return 3;
  return 4;
}
