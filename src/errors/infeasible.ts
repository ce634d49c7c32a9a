import { AppError } from './app-error.js';

/** No whole-share allocation meets every band and the cash constraint. The message says why. */
export class Infeasible extends AppError {
  readonly code = 'INFEASIBLE' as const;
}
