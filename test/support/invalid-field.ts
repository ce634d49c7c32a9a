import { solve, type ProblemInput } from '../../src/core/optimizer/index.js';
import { InvalidInput } from '../../src/errors/index.js';

/** The field `solve` names when it rejects `input`; undefined when it accepts it. */
export function fieldOf(input: ProblemInput): string | undefined {
  try {
    solve(input);
  } catch (error) {
    if (error instanceof InvalidInput) return error.field;
    throw error;
  }
  return undefined;
}
