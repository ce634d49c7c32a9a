import type { RebalanceOutcome } from '../core/optimizer/index.js';
import type { ProblemInput } from '../core/optimizer/types.js';
import type { BatchItem } from './protocol.js';
import { invalidResult } from './results.js';
import { defaultSolverModule } from './thread-launch.js';
import { ThreadSlot, type Batch } from './thread-slot.js';
import type { PoolResult, SolveManyOptions, SolverPool, SolverPoolOptions, SolverPoolStatus } from './types.js';

/** Below this many problems per thread, splitting a call costs more in messages than it gains. */
const MIN_PROBLEMS_PER_BATCH = 32;
/** Longest deadline a timer can wait for (setTimeout's limit is 2^31 − 1 ms). */
const MAX_DEADLINE_MS = 2_147_483_647;

function validDeadline(ms: number): boolean {
  return Number.isFinite(ms) && ms > 0 && ms <= MAX_DEADLINE_MS;
}

/** Splits `items` into at most `parts` contiguous runs of near-equal size. */
function split(items: BatchItem[], parts: number): BatchItem[][] {
  const size = Math.ceil(items.length / parts);
  const runs: BatchItem[][] = [];
  for (let start = 0; start < items.length; start += size) runs.push(items.slice(start, start + size));
  return runs;
}

/** Collects a call's answers by index and resolves once every one has arrived. */
function collector(count: number, resolve: (results: PoolResult[]) => void): Batch['deliver'] {
  const results = new Array<PoolResult>(count);
  let unanswered = count;
  return (index, result) => {
    results[index] = result;
    unanswered -= 1;
    if (unanswered === 0) resolve(results);
  };
}

class ThreadPool implements SolverPool<unknown> {
  private readonly slots: ThreadSlot[];
  private readonly queue: Batch[] = [];
  private closing: Promise<void> | null = null;
  private drained: (() => void) | null = null;
  private timer: NodeJS.Timeout | undefined;
  private arming = false;
  private rearm = false;

  constructor(private readonly options: SolverPoolOptions) {
    const solverModule = options.solverModule ?? defaultSolverModule;
    this.slots = Array.from({ length: options.size }, () => new ThreadSlot(solverModule, () => this.dispatch(), options.logger));
  }

  async solve(input: ProblemInput, deadlineMs?: number, options?: SolveManyOptions): Promise<PoolResult> {
    const [result] = await this.solveMany([input], deadlineMs, options);
    return result as PoolResult;
  }

  solveMany(inputs: readonly ProblemInput[], deadlineMs?: number, options: SolveManyOptions = {}): Promise<PoolResult[]> {
    if (this.closing) return Promise.reject(new Error('solver pool is closed'));
    if (deadlineMs !== undefined && !validDeadline(deadlineMs)) {
      return Promise.reject(new RangeError(`deadlineMs must be a positive number of milliseconds, got ${deadlineMs}`));
    }
    if (inputs.length === 0) return Promise.resolve([]);
    return new Promise((resolve) => {
      const deliver = collector(inputs.length, resolve);
      const items: BatchItem[] = [];
      inputs.forEach((input, index) => {
        const ms = input.options?.deadlineMs ?? deadlineMs ?? this.options.defaultDeadlineMs;
        if (validDeadline(ms)) items.push({ index, input, deadlineMs: ms });
        else deliver(index, invalidResult(`must be a positive number of milliseconds, got ${ms}`, 'options.deadline_ms', 0));
      });
      const parts = Math.min(this.slots.length, Math.ceil(items.length / MIN_PROBLEMS_PER_BATCH));
      for (const run of parts > 0 ? split(items, parts) : []) this.queue.push({ items: run, derive: options.derive ?? false, deliver });
      this.dispatch();
    });
  }

  status(): SolverPoolStatus {
    return {
      size: this.slots.length,
      busy: this.slots.filter((slot) => slot.busy).length,
      queued: this.queue.reduce((sum, batch) => sum + batch.items.length, 0),
      restarts: this.slots.reduce((sum, slot) => sum + slot.restarts, 0),
    };
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.drained = resolve;
      this.dispatch();
    }).then(async () => {
      clearTimeout(this.timer);
      await Promise.all(this.slots.map((slot) => slot.close()));
    });
    return this.closing;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) break;
      if (!slot.busy) slot.run(this.queue.shift() as Batch);
    }
    if (this.drained && this.queue.length === 0 && this.slots.every((slot) => !slot.busy)) this.drained();
    this.arm();
  }

  /** One timer for the whole pool, set for the earliest moment any solve in flight could be overdue. */
  private arm(): void {
    // A check can finish a batch, which dispatches and arms again: run that as one more pass, not nested.
    if (this.arming) {
      this.rearm = true;
      return;
    }
    this.arming = true;
    let next = Infinity;
    do {
      this.rearm = false;
      next = Infinity;
      const now = Date.now();
      for (const slot of this.slots) next = Math.min(next, slot.check(now) ?? Infinity);
    } while (this.rearm);
    this.arming = false;
    clearTimeout(this.timer);
    this.timer = next === Infinity ? undefined : setTimeout(() => this.arm(), Math.max(0, next - Date.now()));
    // The threads keep the process alive while they work; the watchdog alone should not.
    this.timer?.unref();
  }
}

/**
 * Starts `size` solver threads. Each problem gets a hard deadline: the optimizer is asked to stop
 * at it, and a thread still busy shortly after is terminated, its problem answered as `timeout`,
 * and the rest of its batch carried on by a fresh thread.
 */
export function createSolverPool<D = RebalanceOutcome>(options: SolverPoolOptions): SolverPool<D> {
  if (!Number.isInteger(options.size) || options.size < 1) throw new RangeError('solver pool size must be a whole number ≥ 1');
  if (!validDeadline(options.defaultDeadlineMs)) throw new RangeError('defaultDeadlineMs must be a positive number of milliseconds');
  // What `rebalance` holds is up to the solver module the threads load, which no type can see.
  return new ThreadPool(options) as SolverPool<unknown> as SolverPool<D>;
}
