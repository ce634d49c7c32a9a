import { z } from 'zod';
import {
  modelCreateBody,
  modelIdParams,
  modelListQuery,
  modelOutput,
  modelReplaceBody,
  portfoliosBody,
  positionBody,
  positionDeleteBody,
  toModelJson,
  toPositionInput,
  versionQuery,
} from '../schemas/model-schemas.js';
import { MAX_MODELS_PER_READ } from '../../store/models-repository.js';
import { defineRoute, type ResponseSpec } from './route.js';

const tags = ['models (GlobeCo v1)'];
const model = { description: 'The model', schema: modelOutput };
const bad: ResponseSpec = { description: 'Malformed input: wrong types, bad model id, bad paging' };
const missing: ResponseSpec = { description: 'No such model (or, for position edits, no such security in it)' };
const rule: ResponseSpec = { description: 'Well-formed input that breaks a GlobeCo v1 model rule' };
const auth: ResponseSpec = { description: 'API key missing or wrong (when API_KEYS is configured)' };
const editResponses = { 200: model, 400: bad, 401: auth, 404: missing, 415: { description: 'Body is not JSON' }, 422: rule };

export const modelRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/models',
    mutates: false,
    summary: 'List models',
    description:
      'A bare JSON array. No parameters: every model, up to 1,000 (page with `offset`/`limit` beyond that). ' +
      'The `X-Total-Count` header carries the number of models (counted up to 10,000).',
    tags,
    query: modelListQuery,
    responses: { 200: { description: 'Models', schema: z.array(modelOutput) }, 400: bad },
    async handler({ query }, services) {
      const options = { offset: query.offset, limit: query.limit, sort: query.sort_by };
      const paged = query.offset !== undefined || query.limit !== undefined;
      const models = await services.models.list(options);
      // Counting scans on FerretDB: only when the page may not be everything.
      const total = paged || models.length === MAX_MODELS_PER_READ ? await services.models.count() : models.length;
      return { body: models.map(toModelJson), headers: { 'X-Total-Count': String(total) } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/models',
    mutates: true,
    summary: 'Create a model',
    description: 'Starts at version 1. 0-target positions are dropped.',
    tags,
    body: modelCreateBody,
    responses: { 201: { description: 'Created', schema: modelOutput }, 400: bad, 401: auth, 415: editResponses[415], 422: rule },
    async handler({ body }, services) {
      const created = await services.models.create({ ...body, positions: body.positions.map(toPositionInput) });
      return { status: 201, body: toModelJson(created), headers: { Location: `/api/v1/model/${created.modelId}` } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/model/{model_id}',
    mutates: false,
    summary: 'Get a model',
    tags,
    params: modelIdParams,
    responses: { 200: model, 400: bad, 404: missing },
    async handler({ params }, services) {
      return { body: toModelJson(await services.models.get(params.model_id)) };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/v1/model/{model_id}',
    mutates: true,
    summary: 'Replace a model',
    description: 'Replaces name, positions and portfolios (and last_rebalance_date when given) if `version` is current.',
    tags,
    params: modelIdParams,
    body: modelReplaceBody,
    responses: { ...editResponses, 409: { description: 'Stale version: someone changed the model since you read it' } },
    async handler({ params, body }, services) {
      const { version, last_rebalance_date, ...fields } = body;
      const replaced = await services.models.replace(params.model_id, version, {
        ...fields,
        positions: fields.positions.map(toPositionInput),
        ...(last_rebalance_date !== undefined ? { lastRebalanceDate: last_rebalance_date ? new Date(last_rebalance_date) : null } : {}),
      });
      return { body: toModelJson(replaced) };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v1/model/{model_id}',
    mutates: true,
    summary: 'Delete a model',
    tags,
    params: modelIdParams,
    query: versionQuery,
    responses: { 204: { description: 'Deleted' }, 400: bad, 401: auth, 404: missing, 409: { description: 'Stale version' } },
    async handler({ params, query }, services) {
      await services.models.delete(params.model_id, query.version);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/model/{model_id}/position',
    mutates: true,
    summary: 'Add a position',
    description: 'Body `{security_id, target, high_drift, low_drift}`. A security already in the model is 422. No version needed; the edit is atomic.',
    tags,
    params: modelIdParams,
    body: positionBody,
    responses: editResponses,
    async handler({ params, body }, services) {
      return { body: toModelJson(await services.models.addPosition(params.model_id, toPositionInput(body))) };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/v1/model/{model_id}/position',
    mutates: true,
    summary: 'Update a position',
    description: 'Body `{security_id, target, high_drift, low_drift}`; the security must be in the model (404 otherwise). Target 0 removes it.',
    tags,
    params: modelIdParams,
    body: positionBody,
    responses: editResponses,
    async handler({ params, body }, services) {
      return { body: toModelJson(await services.models.updatePosition(params.model_id, toPositionInput(body))) };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v1/model/{model_id}/position',
    mutates: true,
    summary: 'Remove a position',
    description: 'Body `{security_id}` (a full position is accepted; other fields are ignored). 404 when the security is not in the model.',
    tags,
    params: modelIdParams,
    body: positionDeleteBody,
    responses: editResponses,
    async handler({ params, body }, services) {
      return { body: toModelJson(await services.models.removePosition(params.model_id, body.security_id)) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/model/{model_id}/portfolio',
    mutates: true,
    summary: 'Add portfolios',
    description: 'Body `{portfolios:[…]}`. A portfolio already in the model is 422.',
    tags,
    params: modelIdParams,
    body: portfoliosBody,
    responses: editResponses,
    async handler({ params, body }, services) {
      return { body: toModelJson(await services.models.addPortfolios(params.model_id, body.portfolios)) };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v1/model/{model_id}/portfolio',
    mutates: true,
    summary: 'Remove portfolios',
    description: 'Body `{portfolios:[…]}`. A portfolio not in the model is 422.',
    tags,
    params: modelIdParams,
    body: portfoliosBody,
    responses: editResponses,
    async handler({ params, body }, services) {
      return { body: toModelJson(await services.models.removePortfolios(params.model_id, body.portfolios)) };
    },
  }),
];
