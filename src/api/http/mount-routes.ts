import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router, type Response } from 'express';
import type { ZodType } from 'zod';
import { InvalidInput } from '../../errors/index.js';
import type { RouteDefinition, RouteResult } from '../routes/route.js';
import type { ApiServices } from '../services.js';
import type { Access, AccessCheck } from './access.js';
import { wrapAsync } from './wrap-async.js';

/** `/api/v1/model/{id}` → `/api/v1/model/:id` */
export function toExpressPath(path: string): string {
  return path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
}

/** Formats a zod issue path as `positions[2].target`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

/** Problems listed in one answer; a body with thousands of bad rows names the first ones and counts the rest. */
const MAX_PROBLEMS = 20;

/** A short rendering of an offending value for an error message. */
function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Parses with `schema`, or throws one InvalidInput listing every problem, each with its field and value. */
function parse<T extends ZodType>(schema: T | undefined, value: unknown, where: string): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const issues = result.error.issues;
  const problems = issues.slice(0, MAX_PROBLEMS).map((issue) => ({
    field: issue.path.length > 0 ? formatPath(issue.path) : where,
    message: 'input' in issue && issue.code !== 'unrecognized_keys' ? `${issue.message} (got ${shown(issue.input)})` : issue.message,
  }));
  const more = issues.length > problems.length ? `; and ${issues.length - problems.length} more` : '';
  const detail = problems.map((p) => `${p.field}: ${p.message}`).join('; ') + more;
  throw new InvalidInput(detail, problems[0]?.field ?? where, problems);
}

class UnsupportedMediaType extends Error {
  readonly status = 415;
  readonly type = 'media.unsupported';
}

async function write(res: Response, result: RouteResult): Promise<void> {
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
  res.status(result.status ?? 200);
  // Backpressure from the socket paces the source, so a large export holds one piece at a time.
  if (result.stream) await pipeline(Readable.from(result.stream), res);
  else if (result.body === undefined) res.end();
  else res.json(result.body);
}

/** What a route needs: its declared access, else `write` for a mutating route and `read` for any other. */
export function accessOf(route: Pick<RouteDefinition, 'access' | 'mutates'>): Access {
  return route.access ?? (route.mutates ? 'write' : 'read');
}

/**
 * Builds an Express router from route definitions: the key's scope checked first, content-type
 * check on body routes, zod parsing, then the thin handler.
 */
export function mountRoutes(
  routes: readonly RouteDefinition[],
  services: ApiServices,
  authorize: AccessCheck,
): Router {
  const router = Router();
  for (const route of routes) {
    router[route.method](
      toExpressPath(route.path),
      wrapAsync(async (req, res) => {
        const caller = authorize(req, accessOf(route));
        res.locals.caller = caller;
        // req.is() is null when there is no body at all; the schema then reports the missing body.
        if (route.body && req.is('application/json') === false) throw new UnsupportedMediaType();
        const gone = new AbortController();
        res.once('close', () => {
          if (!res.writableEnded) gone.abort();
        });
        const input = {
          params: parse(route.params, req.params, 'params'),
          query: parse(route.query, req.query, 'query'),
          body: parse(route.body, req.body, 'body'),
          ctx: { log: res.locals.log, correlationId: res.locals.correlationId, headers: req.headers, signal: gone.signal, caller },
        };
        await write(res, await route.handler(input as never, services));
      }),
    );
  }
  return router;
}
