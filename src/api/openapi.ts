import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { accessOf } from './http/mount-routes.js';
import type { RouteDefinition } from './routes/route.js';

const errorSchema = z
  .object({
    detail: z.string().meta({ description: 'What went wrong, naming the field.' }),
    code: z.string().meta({ description: 'Stable machine-readable code, e.g. INVALID_INPUT, VERSION_CONFLICT.' }),
    field: z.string().optional().meta({ description: 'The offending field, when there is one.' }),
  })
  .meta({ id: 'Error' });

const STATUS_POLICY = [
  'Status codes: 200/201/202 success, 204 deleted; 400 malformed input (wrong types, bad ids, bad paging,',
  'keys starting with "$" or containing "."); 401 missing or wrong API key (every route but health when keys are configured); 403 key scope too narrow; 404 missing;',
  '409 stale `version`; 413 body too large; 415 body not JSON; 422 well-formed input that breaks a business',
  'rule (e.g. a target off the 0.005 grid, targets summing above 0.95, an infeasible rebalance); 503 a',
  'dependency unavailable. Every error body is `{"detail": "...", "code": "...", "field"?: "..."}`.',
].join(' ');

/** Builds the OpenAPI 3.1 document from the route table's own zod schemas. */
export function buildOpenApiDocument(routes: readonly RouteDefinition[], version: string): object {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'ApiKey', { type: 'apiKey', in: 'header', name: 'X-API-Key' });
  registry.registerComponent('securitySchemes', 'Bearer', { type: 'http', scheme: 'bearer' });
  for (const route of routes) {
    const access = accessOf(route);
    const responses = Object.fromEntries(
      Object.entries(route.responses).map(([status, spec]) => {
        const schema = spec.schema ?? (Number(status) >= 400 ? errorSchema : undefined);
        if (spec.contentType) return [status, { description: spec.description, content: { [spec.contentType]: { schema: z.string() } } }];
        return [status, { description: spec.description, ...(schema ? { content: { 'application/json': { schema } } } : {}) }];
      }),
    );
    registry.registerPath({
      method: route.method,
      path: route.path,
      summary: route.summary,
      ...(access === 'public' ? (route.description ? { description: route.description } : {}) : { description: withScope(route.description, access) }),
      tags: route.tags,
      ...(access === 'public' ? {} : { security: [{ ApiKey: [] }, { Bearer: [] }, {}] }),
      request: {
        ...(route.params ? { params: route.params as never } : {}),
        ...(route.query ? { query: route.query as never } : {}),
        ...(route.body ? { body: { content: { 'application/json': { schema: route.body } }, required: true } } : {}),
      },
      responses,
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'GlobeCo Order Generation Service',
      version,
      description: `Investment models (GlobeCo v1 compatible), rebalancing runs, results and orders. ${STATUS_POLICY}`,
    },
    servers: [{ url: '/' }],
  });
}

function withScope(description: string | undefined, scope: string): string {
  const note = `Needs a key with \`${scope}\` scope when API keys are configured.`;
  return description ? `${description}\n\n${note}` : note;
}
