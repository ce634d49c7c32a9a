import type { Worker } from 'node:worker_threads';
import type { Logger } from '../observability/logger.js';
import { Progress, type BatchItem, type BatchMessage, type ResultsMessage } from './protocol.js';
import { failedResult, timeoutResult } from './results.js';
import { launchThread } from './thread-launch.js';
import type { PoolResult } from './types.js';

/** Problems sent to one thread together, and where their answers go. */
export interface Batch {
  items: BatchItem[];
  derive: boolean;
  deliver(index: number, result: PoolResult): void;
}

interface Running {
  seq: number;
  batch: Batch;
  /** Items not answered yet, in batch order (Map keeps insertion order). */
  open: Map<number, BatchItem>;
}

/** While a thread has not picked up its batch (booting, or the message in transit), look again this soon. */
const NOT_STARTED_RECHECK_MS = 25;

/**
 * How long past its deadline a solve may run before the thread is stopped. The optimizer checks
 * the deadline itself; this leaves it room to answer so the thread need not be replaced.
 */
export function graceMs(deadlineMs: number): number {
  return Math.min(1000, Math.max(20, deadlineMs / 5));
}

/** One solver thread, replaced in place when it overruns a deadline or dies. */
export class ThreadSlot {
  restarts = 0;
  /** Null after a thread died with nothing to carry on; the next batch starts a new one. */
  private worker: Worker | null = null;
  private progress = Progress.create();
  private running: Running | null = null;
  private seq = 0;
  private closing = false;

  constructor(
    private readonly solverModule: URL,
    private readonly onIdle: () => void,
    private readonly logger?: Logger,
  ) {
    this.spawn();
  }

  get busy(): boolean {
    return this.running !== null;
  }

  run(batch: Batch): void {
    this.running = { seq: 0, batch, open: new Map(batch.items.map((item) => [item.index, item])) };
    if (!this.worker) {
      this.spawn();
      this.restarts += 1;
    }
    this.send();
  }

  /**
   * Watchdog step: stops an overdue solve and answers it as timed out.
   * Returns when to look again (epoch ms), or null when idle.
   */
  check(now: number): number | null {
    if (!this.running) return null;
    const inFlight = this.progress.read(this.running.seq);
    if (!inFlight) return now + NOT_STARTED_RECHECK_MS;
    const dueAt = inFlight.startedAt + inFlight.deadlineMs + graceMs(inFlight.deadlineMs);
    if (now < dueAt) return dueAt;
    this.logger?.warn({ deadline_ms: inFlight.deadlineMs }, 'solve overran its deadline; replacing the solver thread');
    this.replace(inFlight.index, timeoutResult(inFlight.deadlineMs, now - inFlight.startedAt));
    return this.running ? now + NOT_STARTED_RECHECK_MS : null;
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.worker?.terminate();
  }

  private send(): void {
    if (!this.running) return;
    this.running.seq = ++this.seq;
    const message: BatchMessage = {
      type: 'batch',
      seq: this.running.seq,
      items: [...this.running.open.values()],
      derive: this.running.batch.derive,
    };
    this.worker?.postMessage(message);
  }

  private spawn(): void {
    const progress = Progress.create();
    const worker = launchThread(progress, this.solverModule);
    let lastError: unknown;
    // Events of a thread that has been replaced are stale: its problems were answered already.
    worker.on('message', (message: ResultsMessage) => {
      if (this.worker === worker) this.onResults(message);
    });
    worker.on('error', (error) => {
      lastError = error;
    });
    worker.on('exit', (code) => {
      if (this.worker === worker && !this.closing) this.onCrash(code, lastError);
    });
    this.worker = worker;
    this.progress = progress;
  }

  private onResults(message: ResultsMessage): void {
    const running = this.running;
    if (!running || message.seq !== running.seq) return;
    for (const [index, result] of message.results) {
      if (running.open.delete(index)) running.batch.deliver(index, result);
    }
    if (message.done) this.finish();
  }

  /** Answers one problem, then carries on with the rest of the batch on a fresh thread. */
  private replace(index: number, result: PoolResult): void {
    const old = this.worker;
    this.spawn();
    this.restarts += 1;
    void old?.terminate();
    const running = this.running;
    if (!running) return;
    if (running.open.delete(index)) running.batch.deliver(index, result);
    if (running.open.size === 0) this.finish();
    else this.send();
  }

  private onCrash(code: number, error: unknown): void {
    const message = error instanceof Error ? error.message : `exit code ${code}`;
    this.logger?.warn({ exit_code: code, err: error }, 'solver thread died; replacing it');
    const running = this.running;
    const inFlight = running ? this.progress.read(running.seq) : null;
    if (running && inFlight) {
      this.replace(inFlight.index, failedResult(`solver thread crashed: ${message}`, Date.now() - inFlight.startedAt));
      return;
    }
    // Died before starting a problem (e.g. the solver module failed to load): respawning at once
    // could loop, so the batch is answered as failed and the next batch tries a new thread.
    this.worker = null;
    if (!running) return;
    for (const index of running.open.keys()) running.batch.deliver(index, failedResult(`solver thread crashed: ${message}`, 0));
    running.open.clear();
    this.finish();
  }

  private finish(): void {
    const running = this.running;
    this.running = null;
    // A thread always answers every item it was sent; anything left would be a protocol bug, so say so.
    for (const index of running?.open.keys() ?? []) {
      running?.batch.deliver(index, failedResult('solver thread ended the batch without answering', 0));
    }
    this.onIdle();
  }
}
