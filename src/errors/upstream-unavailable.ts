import { AppError } from './app-error.js';

/** A dependency (market data, database) did not answer usefully. Worth retrying later. */
export class UpstreamUnavailable extends AppError {
  readonly code = 'UPSTREAM_UNAVAILABLE' as const;
}
