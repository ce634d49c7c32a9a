import { parentPort, workerData } from 'node:worker_threads';
import type { RebalanceOutcome } from '../core/optimizer/index.js';
import type { ProblemInput, SolveResult } from '../core/optimizer/types.js';
import { Progress, type BatchItem, type BatchMessage, type ResultsMessage, type ThreadData } from './protocol.js';
import { deadlineReason, failedResult, invalidResult } from './results.js';
import type { PoolResult } from './types.js';

/** What the thread needs from the solver module (the optimizer, or a test stub). */
interface SolverModule {
  solve(input: ProblemInput, opts?: { deadlineAt?: number }): SolveResult;
  deriveRebalance?(input: ProblemInput, result: SolveResult): RebalanceOutcome;
}

// Answers are sent at least this often, so a long batch still streams and a hard kill loses little finished work.
const FLUSH_EVERY_MS = 10;

const data = workerData as ThreadData;
const progress = new Progress(data.progress);
const solver = (await import(data.solverModule)) as SolverModule;

function isInvalidInput(error: unknown): error is Error & { field?: string } {
  // Checked by code, not class: the optimizer's InvalidInput may come from another module instance.
  return error instanceof Error && (error as { code?: unknown }).code === 'INVALID_INPUT';
}

function solveOne(item: BatchItem, derive: boolean): PoolResult {
  const startedAt = Date.now();
  const deadlineAt = startedAt + item.deadlineMs;
  try {
    const result = solver.solve(item.input, { deadlineAt });
    // Same wording whether the solver noticed the deadline itself or the pool had to stop it.
    if (result.status === 'timeout' && Date.now() >= deadlineAt) return { ...result, reason: deadlineReason(item.deadlineMs) };
    if (!derive || result.status !== 'optimal') return result;
    if (!solver.deriveRebalance) return failedResult('solver module has no deriveRebalance', result.solveMs);
    return { ...result, rebalance: solver.deriveRebalance(item.input, result) };
  } catch (error) {
    const solveMs = Date.now() - startedAt;
    if (isInvalidInput(error)) return invalidResult(error.message, error.field ?? null, solveMs);
    return failedResult(`solver error: ${error instanceof Error ? error.message : String(error)}`, solveMs);
  }
}

function runBatch(message: BatchMessage): void {
  let pending: ResultsMessage['results'] = [];
  let lastFlush = Date.now();
  for (const item of message.items) {
    progress.begin(message.seq, item.index, Date.now(), item.deadlineMs);
    pending.push([item.index, solveOne(item, message.derive)]);
    if (Date.now() - lastFlush >= FLUSH_EVERY_MS) {
      post({ type: 'results', seq: message.seq, results: pending, done: false });
      pending = [];
      lastFlush = Date.now();
    }
  }
  progress.idle();
  post({ type: 'results', seq: message.seq, results: pending, done: true });
}

function post(message: ResultsMessage): void {
  parentPort?.postMessage(message);
}

parentPort?.on('message', (message: BatchMessage) => runBatch(message));
