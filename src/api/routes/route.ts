import type { IncomingHttpHeaders } from 'node:http';
import type { z, ZodType } from 'zod';
import type { Logger } from '../../observability/logger.js';
import type { Access } from '../http/access.js';
import type { Caller } from '../http/api-keys.js';
import type { ApiServices } from '../services.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'delete' | 'patch';

/** One documented response of a route (feeds OpenAPI only). */
export interface ResponseSpec {
  description: string;
  /** JSON body schema; omit for empty bodies (204) or error bodies (the shared error schema is used). */
  schema?: ZodType;
  /** A non-JSON body (e.g. `text/csv`), documented as a string of that media type. */
  contentType?: string;
}

/** What a handler gets besides its parsed input. */
export interface RouteContext {
  /** Child logger carrying this request's `correlation_id`. */
  log: Logger;
  correlationId: string;
  headers: IncomingHttpHeaders;
  /** Aborted when the client goes away before the answer is written (e.g. to end a long poll early). */
  signal: AbortSignal;
  /** The key that authorised the request (its `name` is what "approved by" records); undefined when the API is anonymous. */
  caller?: Caller;
}

/** What a handler returns; the adapter writes it. An absent `body` means an empty response. */
export interface RouteResult {
  /** @defaultValue 200 */
  status?: number;
  body?: unknown;
  /** A body streamed piece by piece instead of `body` (e.g. a CSV export); set `Content-Type` in `headers`. */
  stream?: AsyncIterable<string>;
  headers?: Record<string, string>;
}

/** Parsed input handed to a handler: the output types of the route's zod schemas. */
export interface RouteInput<P extends ZodType, Q extends ZodType, B extends ZodType> {
  params: z.output<P>;
  query: z.output<Q>;
  body: z.output<B>;
  ctx: RouteContext;
}

/**
 * One HTTP endpoint. The same zod schemas validate the request (400 naming the field on
 * failure) and generate its OpenAPI description. Add a feature's routes in a file under
 * `src/api/routes/` exporting `RouteDefinition[]` and list it in `routes/index.ts`.
 */
export interface RouteDefinition<P extends ZodType = ZodType, Q extends ZodType = ZodType, B extends ZodType = ZodType> {
  method: HttpMethod;
  /** OpenAPI-style path, e.g. `/api/v1/model/{id}`. */
  path: string;
  /** Mutating routes need a `write` key, others a `read` key, when any key is configured. */
  mutates: boolean;
  /** Overrides what `mutates` implies: `public` (health probes), or a wider scope such as `admin`. */
  access?: Access;
  summary: string;
  description?: string;
  tags: string[];
  /** Must be a `z.object` whose keys are the path's `{names}`. */
  params?: P;
  /** Must be a `z.object`; query values arrive as strings. */
  query?: Q;
  /** JSON body; a body route answers 415 to any other content type. */
  body?: B;
  /** Documented responses by status. Error statuses need only a description. */
  responses: Record<number, ResponseSpec>;
  /** Thin: call one use-case function, map its result. Throw `AppError`s for failures. */
  handler(input: RouteInput<P, Q, B>, services: ApiServices): Promise<RouteResult>;
}

/** Identity function that lets TypeScript infer the handler's input types from the schemas. */
export function defineRoute<P extends ZodType = ZodType, Q extends ZodType = ZodType, B extends ZodType = ZodType>(
  route: RouteDefinition<P, Q, B>,
): RouteDefinition {
  return route as unknown as RouteDefinition;
}
