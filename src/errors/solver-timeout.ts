import { AppError } from './app-error.js';

export class SolverTimeout extends AppError {
  readonly code = 'SOLVER_TIMEOUT' as const;
}
