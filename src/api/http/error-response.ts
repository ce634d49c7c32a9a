import type { ErrorRequestHandler } from 'express';
import { AppError, InvalidInput, type ErrorCode, type InputProblem } from '../../errors/index.js';
import { RuleViolation } from '../../core/model/rule-violation.js';
import { BOUNDED_QUERY_MS, isQueryTimeout } from '../../store/bounded-query.js';
import { REDIS_REFUSAL_RETRY_AFTER_SECONDS, redisRefusal } from '../../queue/redis-refusal.js';

/** The body of every error answer: v1-compatible `detail`, plus a stable `code` and the `field` when known. */
export interface ErrorBody {
  detail: string;
  code: string;
  field?: string;
  /** Every problem of an invalid request, each naming its field (also in `detail`). */
  errors?: readonly InputProblem[];
}

/**
 * Status per error code. Business-rule violations (`RuleViolation`, `Infeasible`) are
 * 422; malformed input is 400; a stale version is 409.
 */
const STATUS: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  NOT_FOUND: 404,
  VERSION_CONFLICT: 409,
  CONFLICT: 409,
  INFEASIBLE: 422,
  SOLVER_TIMEOUT: 422,
  UPSTREAM_UNAVAILABLE: 503,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
};

/** body-parser failures carry a `type`; map the ones a client can cause. */
const PARSER_ERRORS: Record<string, { status: number; code: string; detail: string }> = {
  'entity.parse.failed': { status: 400, code: 'MALFORMED_JSON', detail: 'body: malformed JSON' },
  'entity.too.large': { status: 413, code: 'PAYLOAD_TOO_LARGE', detail: 'body: larger than the configured limit' },
  'encoding.unsupported': { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'body: unsupported content encoding' },
  'charset.unsupported': { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'body: unsupported charset' },
  'media.unsupported': { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'body: Content-Type must be application/json' },
  'request.aborted': { status: 400, code: 'REQUEST_ABORTED', detail: 'body: request aborted' },
  'request.size.invalid': { status: 400, code: 'INVALID_INPUT', detail: 'body: size does not match Content-Length' },
};

/** Maps any thrown value to a status and body (and a `Retry-After` in seconds when retrying later will help). Internals never reach the body in production. */
export function errorResponse(error: unknown, production: boolean): { status: number; body: ErrorBody; retryAfterSeconds?: number } {
  if (error instanceof AppError) {
    const status = error instanceof RuleViolation ? 422 : STATUS[error.code];
    const field = 'field' in error && typeof error.field === 'string' ? error.field : undefined;
    const errors = error instanceof InvalidInput && error.problems ? { errors: error.problems } : {};
    return { status, body: { detail: error.message, code: error.code, ...(field ? { field } : {}), ...errors } };
  }
  const type = (error as { type?: unknown } | null)?.type;
  const parser = typeof type === 'string' ? PARSER_ERRORS[type] : undefined;
  if (parser) return { status: parser.status, body: { detail: parser.detail, code: parser.code } };
  if (isQueryTimeout(error)) {
    const detail = `the database did not finish this read within ${BOUNDED_QUERY_MS} ms; narrow it (e.g. by run_id) or page with "after"`;
    return { status: 503, body: { detail, code: 'QUERY_TIMEOUT' } };
  }
  const refusal = redisRefusal(error);
  if (refusal) return { status: 503, body: { detail: `${refusal}; retry later`, code: 'REDIS_REFUSED' }, retryAfterSeconds: REDIS_REFUSAL_RETRY_AFTER_SECONDS };
  const named = clientFault(error);
  if (named) return { status: 400, body: { detail: named, code: 'INVALID_INPUT' } };
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, body: { detail: production ? 'bad request' : String((error as Error).message), code: 'BAD_REQUEST' } };
  }
  const detail = production ? 'internal error' : `internal error: ${error instanceof Error ? error.message : String(error)}`;
  return { status: 500, body: { detail, code: 'INTERNAL' } };
}

/**
 * Client faults that Express and body-parser raise without a `type`: the production
 * fallback ("bad request") would not tell the caller what to fix.
 */
function clientFault(error: unknown): string | undefined {
  // router's decodeParam: a path segment like `%E0%A4%A` or a lone `%`.
  if (error instanceof URIError && (error as { status?: unknown }).status === 400) return 'path: malformed percent-encoding';
  // zlib codes (Z_DATA_ERROR, Z_BUF_ERROR) surface when the body does not match its Content-Encoding.
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('Z_')) return 'body: cannot be decoded with its Content-Encoding';
  return undefined;
}

/** The error middleware: the one place error bodies are written. */
export function errorHandler(production: boolean): ErrorRequestHandler {
  return (error, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const { status, body, retryAfterSeconds } = errorResponse(error, production);
    if (status >= 500) res.locals.log?.error({ err: error }, 'unhandled error');
    if (retryAfterSeconds !== undefined) res.set('Retry-After', String(retryAfterSeconds));
    res.status(status).json(body);
  };
}
