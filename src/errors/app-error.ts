/** Stable, machine-readable error codes. The HTTP edge maps each to a status once. */
export type ErrorCode =
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'VERSION_CONFLICT'
  | 'CONFLICT'
  | 'INFEASIBLE'
  | 'SOLVER_TIMEOUT'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN';

/** Base of every error this service raises on purpose. Anything else is a bug (500). */
export abstract class AppError extends Error {
  abstract readonly code: ErrorCode;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}
