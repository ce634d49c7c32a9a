import type { ProblemInput } from '../core/optimizer/types.js';
import type { PoolResult } from './types.js';

/** One problem of a batch: `index` is its position in the pool-side batch. */
export interface BatchItem {
  index: number;
  input: ProblemInput;
  deadlineMs: number;
}

/** Pool → thread. */
export interface BatchMessage {
  type: 'batch';
  /** Distinguishes this batch in the progress record from earlier ones on the same thread. */
  seq: number;
  items: BatchItem[];
  /** Run `deriveRebalance` on optimal results too. */
  derive: boolean;
}

/** Thread → pool: answers in the order solved; `done` on the batch's last message. */
export interface ResultsMessage {
  type: 'results';
  seq: number;
  results: [index: number, result: PoolResult][];
  done: boolean;
}

/** What the thread receives as `workerData`. */
export interface ThreadData {
  progress: SharedArrayBuffer;
  solverModule: string;
}

/**
 * Which problem a thread is on, in shared memory rather than in messages, so a batch of
 * microsecond solves costs one message instead of one per problem, while the pool's watchdog
 * can still tell which problem is in flight and since when.
 * Layout: Int32 [seq, index] then Float64 [startedAt (epoch ms), deadlineMs].
 */
export class Progress {
  static readonly BYTES = 32;
  private readonly ints: Int32Array;
  private readonly floats: Float64Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.ints = new Int32Array(buffer, 0, 2);
    this.floats = new Float64Array(buffer, 8, 2);
  }

  static create(): Progress {
    const progress = new Progress(new SharedArrayBuffer(Progress.BYTES));
    progress.idle();
    return progress;
  }

  /** Thread side. The floats are written before the Atomics store, which publishes them. */
  begin(seq: number, index: number, startedAt: number, deadlineMs: number): void {
    this.floats[0] = startedAt;
    this.floats[1] = deadlineMs;
    Atomics.store(this.ints, 0, seq);
    Atomics.store(this.ints, 1, index);
  }

  idle(): void {
    Atomics.store(this.ints, 1, -1);
  }

  /** Pool side: the problem in flight, or null when the thread has not started one of batch `seq`. */
  read(seq: number): { index: number; startedAt: number; deadlineMs: number } | null {
    for (;;) {
      const index = Atomics.load(this.ints, 1);
      if (Atomics.load(this.ints, 0) !== seq || index < 0) return null;
      const startedAt = this.floats[0] ?? 0;
      const deadlineMs = this.floats[1] ?? 0;
      // The thread may have moved on while we read the floats; read again so they match the index.
      if (Atomics.load(this.ints, 1) === index && Atomics.load(this.ints, 0) === seq) {
        return { index, startedAt, deadlineMs };
      }
    }
  }
}
