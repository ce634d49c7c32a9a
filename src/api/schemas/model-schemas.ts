import { HEX_ID, canonicalId } from '../../core/ids/canonical-id.js';
import { z } from 'zod';
import type { InvestmentModel } from '../../core/model/types.js';
import type { ModelSortField } from '../../store/models-repository.js';

/** A weight as JSON number or decimal string; range and grid are model rules (422), not shape (400). */
const weight = z
  .union([z.number(), z.string().regex(/^-?\d{1,20}(\.\d{1,30})?$/, 'must be a decimal number')])
  .meta({ description: 'Decimal number or decimal string, e.g. "0.05". Answers always use strings.', example: '0.05' });

const securityId = z.string().max(64).meta({ description: '24 letters or digits.', example: '68430c0edbfc814369506bf1' });
const portfolioId = z.string().max(128).meta({ description: '1–64 letters, digits, "_" or "-".', example: '68430c0edbfc814369506bf2' });

export const positionBody = z
  .object({ security_id: securityId, target: weight, high_drift: weight, low_drift: weight })
  .meta({
    id: 'ModelPositionInput',
    description:
      'target: 0 or a multiple of 0.005, at most 0.95 (0 removes the position on save); drifts in [0, 1].',
  });

export const positionDeleteBody = z
  .object({ security_id: securityId })
  .meta({ id: 'ModelPositionDelete', description: 'The position to remove; other position fields are ignored.' });

export const portfoliosBody = z
  .object({ portfolios: z.array(portfolioId).min(1).max(50_000) })
  .meta({ id: 'ModelPortfolios', description: 'Portfolio ids to add to or remove from the model.' });

const modelFields = {
  name: z.string().max(1_000).meta({ description: '1–255 characters after trimming.', example: 'Balanced growth' }),
  positions: z.array(positionBody).max(1_000).default([]),
  portfolios: z.array(portfolioId).max(50_000).default([]),
};

export const modelCreateBody = z.object(modelFields).meta({ id: 'ModelPost' });

export const modelReplaceBody = z
  .object({
    ...modelFields,
    last_rebalance_date: z.iso.datetime({ offset: true }).nullable().optional(),
    version: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).meta({ description: 'The version you read; stale → 409.' }),
  })
  .meta({ id: 'ModelPut' });

export const modelIdParams = z.object({
  model_id: z.string().regex(HEX_ID, 'must be a 24-character hex id').transform(canonicalId).meta({ example: '68430c0edbfc814369506bf0' }),
});

const nonNegativeInt = (max: number) =>
  z
    .string()
    .regex(/^\d{1,16}$/, 'must be a non-negative integer')
    .transform(Number)
    .pipe(z.number().int().max(max, `must be at most ${max}`));

/** Largest page a caller may ask for. */
export const MAX_PAGE_LIMIT = 1_000;

const SORT_FIELDS = ['model_id', 'name', 'last_rebalance_date'] as const;

/** `name,-last_rebalance_date` → ordered sort keys. A leading `+` arrives as a space from URL decoding. */
function parseSortBy(value: string, ctx: z.RefinementCtx): { field: ModelSortField; direction: 1 | -1 }[] {
  const keys: { field: ModelSortField; direction: 1 | -1 }[] = [];
  for (const raw of value.split(',')) {
    const item = raw.trim();
    const direction = item.startsWith('-') ? -1 : 1;
    const field = item.replace(/^[+-]/, '');
    if (!(SORT_FIELDS as readonly string[]).includes(field)) {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(item.slice(0, 40))} is not one of ${SORT_FIELDS.join(', ')}` });
      return z.NEVER;
    }
    if (keys.some((k) => k.field === field)) {
      ctx.addIssue({ code: 'custom', message: `${field} is listed twice` });
      return z.NEVER;
    }
    keys.push({ field: field as ModelSortField, direction });
  }
  return keys;
}

export const modelListQuery = z.object({
  offset: nonNegativeInt(100_000).optional().meta({ description: 'Models to skip (at most 100,000). @defaultValue 0' }),
  limit: nonNegativeInt(MAX_PAGE_LIMIT)
    .pipe(z.number().min(1, 'must be at least 1'))
    .optional()
    .meta({ description: `Page size, 1–${MAX_PAGE_LIMIT}; all models when absent.` }),
  sort_by: z
    .string()
    .max(200)
    .transform(parseSortBy)
    .optional()
    .meta({ description: 'Comma list of model_id, name, last_rebalance_date, each optionally prefixed + or -.', example: 'name,-last_rebalance_date' }),
});

export const versionQuery = z.object({
  version: z
    .string()
    .regex(/^\d{1,16}$/, 'must be a positive integer')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be a positive integer'))
    .meta({ description: 'The version you read; stale → 409.' }),
});

export const modelOutput = z
  .object({
    model_id: z.string(),
    name: z.string(),
    positions: z.array(
      z.object({ security_id: z.string(), target: z.string(), high_drift: z.string(), low_drift: z.string() }),
    ),
    portfolios: z.array(z.string()),
    last_rebalance_date: z.string().nullable(),
    version: z.number().int(),
  })
  .meta({ id: 'Model' });

export type ModelJson = z.output<typeof modelOutput>;

/** Domain model → GlobeCo v1 JSON (snake_case, weights as decimal strings). */
export function toModelJson(model: InvestmentModel): ModelJson {
  return {
    model_id: model.modelId,
    name: model.name,
    positions: model.positions.map((p) => ({
      security_id: p.securityId,
      target: p.target,
      high_drift: p.highDrift,
      low_drift: p.lowDrift,
    })),
    portfolios: model.portfolios,
    last_rebalance_date: model.lastRebalanceDate ? model.lastRebalanceDate.toISOString() : null,
    version: model.version,
  };
}

/** v1 body (snake_case) → repository input (camelCase). */
export function toPositionInput(p: z.output<typeof positionBody>) {
  return { securityId: p.security_id, target: p.target, highDrift: p.high_drift, lowDrift: p.low_drift };
}
