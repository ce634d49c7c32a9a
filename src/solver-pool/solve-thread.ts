import { parentPort, workerData } from 'node:worker_threads';
import type { ProblemInput, SolveResult } from '../core/optimizer/types.js';
import { Progress, type BatchItem, type BatchMessage, type ResultsMessage, type ThreadData } from './protocol.js';
import { deadlineReason, failedResult, invalidResult } from './results.js';
import type { PoolResult } from './types.js';

/**
 * What the thread needs from the solver module (the optimizer, the worker's storage-ready
 * wrapper of it, or a test stub). With `derive`, `solveAndDerive` is preferred: it reads the
 * input once; `deriveRebalance` after `solve` reads it twice.
 */
interface SolverModule {
  solve(input: ProblemInput, opts?: { deadlineAt?: number }): SolveResult;
  solveAndDerive?(input: ProblemInput, opts?: { deadlineAt?: number }): SolveResult & { rebalance?: unknown };
  deriveRebalance?(input: ProblemInput, result: SolveResult): unknown;
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

function solveAndDerive(input: ProblemInput, deadlineAt: number, derive: boolean): PoolResult {
  if (derive && solver.solveAndDerive) return solver.solveAndDerive(input, { deadlineAt }) as PoolResult;
  const result = solver.solve(input, { deadlineAt });
  if (!derive || result.status !== 'optimal') return result;
  if (!solver.deriveRebalance) return failedResult('solver module has no deriveRebalance', result.solveMs);
  return { ...result, rebalance: solver.deriveRebalance(input, result) } as PoolResult;
}

function solveOne(item: BatchItem, derive: boolean): PoolResult {
  const started = performance.now();
  const deadlineAt = Date.now() + item.deadlineMs;
  try {
    const result = solveAndDerive(item.input, deadlineAt, derive);
    // Same wording whether the solver noticed the deadline itself or the pool had to stop it.
    if (result.status === 'timeout' && Date.now() >= deadlineAt) return { ...result, reason: deadlineReason(item.deadlineMs) };
    return result;
  } catch (error) {
    const solveMs = performance.now() - started;
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
