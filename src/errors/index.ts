export { AppError, type ErrorCode } from './app-error.js';
export { InvalidInput } from './invalid-input.js';
export { NotFound } from './not-found.js';
export { VersionConflict } from './version-conflict.js';
export { Conflict } from './conflict.js';
export { Infeasible } from './infeasible.js';
export { SolverTimeout } from './solver-timeout.js';
export { UpstreamUnavailable } from './upstream-unavailable.js';
export { Unauthorized } from './unauthorized.js';
