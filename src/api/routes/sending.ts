import { z } from 'zod';
import { sendStatus } from '../../orders-out/send-status.js';
import { defineRoute } from './route.js';
import { runIdParams } from './runs-schemas.js';

const count = z.number().int();
const sendStatusOutput = z
  .object({
    run_id: z.string(),
    enabled: z.boolean().meta({ description: 'Whether this deployment sends orders (`ORDER_SERVICE_URL` set).' }),
    state: z.enum(['not_planned', 'sending', 'done']),
    batches: count,
    orders: z.object({ total: count, pending: count, in_flight: count, sent: count, rejected: count }),
    planned_at: z.string().nullable(),
    completed_at: z.string().nullable(),
  })
  .meta({ id: 'SendStatus' });

export const sendingRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/runs/{run_id}/sending',
    mutates: false,
    summary: "Where the run's orders are on their way to the Order Service",
    description:
      'Orders of an executed run (created while sending was on) or of an approved proposal, by outbox state: `pending`, ' +
      '`in_flight` (posted, or of unknown outcome until reconciled), `sent` (with the Order Service id) or `rejected` (with its message).',
    tags: ['sending'],
    params: runIdParams,
    responses: { 200: { description: 'Send status', schema: sendStatusOutput }, 400: { description: 'Malformed run id' }, 404: { description: 'No such run' } },
    async handler({ params }, services) {
      await services.pipeline.runs.get(params.run_id);
      const { outbox, enabled } = services.pipeline.sending;
      return { body: { ...(await sendStatus(outbox, params.run_id)), enabled } };
    },
  }),
];
