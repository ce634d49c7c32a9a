import { canonicalId } from '../../core/ids/canonical-id.js';
import { z } from 'zod';

const portfolioIds = z.array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, "_" or "-"').transform(canonicalId)).max(200_000);

export const approveBody = z
  .object({
    include: portfolioIds.min(1).optional().meta({ description: 'Approve only these portfolios of the run.' }),
    exclude: portfolioIds.optional().meta({ description: 'Approve every portfolio of the run (or of `include`) but these.' }),
  })
  .strict()
  .default({})
  .meta({ id: 'ApproveRun' });

export const decisionOutput = z
  .object({
    run_id: z.string(),
    decision: z.enum(['approved', 'rejected']),
    include: z.array(z.string()).nullable(),
    exclude: z.array(z.string()),
    decided_by: z.string(),
    decided_at: z.string(),
    orders_written_at: z.string().nullable(),
    order_count: z.number().int().nullable(),
  })
  .meta({ id: 'RunDecision' });
