/**
 * A stand-in optimizer for the pool's failure paths, which the real one never takes on purpose.
 * The problem's `cash` picks the behaviour: `spin` ignores the deadline, `crash` kills the
 * thread, `throw` is a bug, `invalid` is bad input; anything else is answered as optimal
 * with the holdings unchanged.
 */
import type { ProblemInput, SolveResult } from '../../../src/core/optimizer/types.js';
import { InvalidInput } from '../../../src/errors/index.js';

export function solve(input: ProblemInput): SolveResult {
  switch (input.cash) {
    case 'spin':
      for (;;) {
        // Busy forever, without looking at the deadline.
      }
    case 'crash':
      process.exit(3);
      break;
    case 'throw':
      throw new Error('stub bug');
    case 'invalid':
      throw new InvalidInput('must be a decimal ≥ 0', 'cash');
  }
  const quantities = Object.fromEntries(input.holdings.map((h) => [h.securityId, h.quantity]));
  return { status: 'optimal', path: 'fast', quantities, objective: '0', reason: null, solveMs: 0 };
}

export const stubSolverModule = new URL(import.meta.url);
