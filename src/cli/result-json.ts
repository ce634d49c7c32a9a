/** The result JSON `ogs solve` writes, one object per problem. */
import { deriveRebalance } from '../core/optimizer/index.js';
import type { ProblemInput } from '../core/optimizer/types.js';
import type { PoolResult } from '../solver-pool/index.js';
import { storedLotSales, storedTaxSummary, type StoredLotSale, type StoredTaxSummary } from '../store/tax-documents.js';
import type { ProblemId } from './problem-schema.js';

/** A problem the CLI could not solve because of its input: `reason` is `"<field>: <message>"`. */
export interface InvalidJson {
  id: ProblemId;
  status: 'invalid';
  reason: string;
}

/** A solved (or proven unsolvable, or timed-out, or crashed) problem. */
export interface ResultJson {
  id: ProblemId;
  status: 'optimal' | 'infeasible' | 'timeout' | 'failed';
  /** Σ|MV·t − u'·p| in dollars; null unless optimal. */
  objective: number | null;
  quantities: Record<string, number>;
  /** `lots`: which lots a sell takes (tax enabled and the holding has lots). */
  trades: { security_id: string; transaction_type: 'BUY' | 'SELL'; quantity: number; lots?: StoredLotSale[] }[];
  /** Exact cash after the trades; null unless optimal. */
  cash_after: string | null;
  /** Realized gains and estimated tax; only on optimal results with tax enabled. */
  tax?: StoredTaxSummary;
  reason: string | null;
  solve_ms: number;
}

/** The optimizer names ProblemInput fields; the JSON nests model positions under `model`. */
function jsonField(field: string): string {
  return field.startsWith('positions') ? `model.${field}` : field;
}

export function invalidJson(id: ProblemId, field: string | null, message: string): InvalidJson {
  if (field === null) return { id, status: 'invalid', reason: message };
  // The optimizer's messages often start with the field already: "holdings[0].quantity must be …".
  const rest = message.startsWith(`${field} `) ? message.slice(field.length + 1) : message;
  return { id, status: 'invalid', reason: `${jsonField(field)}: ${rest}` };
}

export function resultJson(id: ProblemId, input: ProblemInput, result: PoolResult): ResultJson | InvalidJson {
  if (result.status === 'invalid') return invalidJson(id, result.field, result.reason);
  const solveMs = Math.round(result.solveMs * 1000) / 1000;
  if (result.status !== 'optimal') {
    const base = { id, status: result.status, objective: null, quantities: {}, trades: [], cash_after: null };
    return { ...base, reason: result.reason, solve_ms: solveMs };
  }
  const outcome = result.rebalance ?? deriveRebalance(input, result);
  return {
    id,
    status: 'optimal',
    objective: Number(result.objective),
    quantities: result.quantities,
    trades: outcome.trades.map((t) => {
      const trade = { security_id: t.securityId, transaction_type: t.transactionType, quantity: t.quantity };
      return t.lots === undefined ? trade : { ...trade, lots: storedLotSales(t.lots) };
    }),
    cash_after: outcome.cashAfter,
    ...(outcome.tax === undefined ? {} : { tax: storedTaxSummary(outcome.tax) }),
    reason: null,
    solve_ms: solveMs,
  };
}
