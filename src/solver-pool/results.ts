import type { FailedResult, InvalidResult, TimeoutResult } from './types.js';

/** "30 s", "0.05 s": the deadline as operators set it (`OPTIMIZATION_TIMEOUT` is in seconds). */
export function deadlineReason(deadlineMs: number): string {
  return `no feasible solution within ${deadlineMs / 1000} s`;
}

export function timeoutResult(deadlineMs: number, solveMs: number): TimeoutResult {
  return { status: 'timeout', path: null, quantities: {}, objective: null, reason: deadlineReason(deadlineMs), solveMs };
}

export function invalidResult(reason: string, field: string | null, solveMs: number): InvalidResult {
  return { status: 'invalid', path: null, quantities: {}, objective: null, reason, field, solveMs };
}

export function failedResult(reason: string, solveMs: number): FailedResult {
  return { status: 'failed', path: null, quantities: {}, objective: null, reason, solveMs };
}
