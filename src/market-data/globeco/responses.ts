import { Decimal } from 'decimal.js';
import { UpstreamUnavailable } from '../../errors/index.js';
import { describeValue, upstreamDecimal } from '../decimal-text.js';
import type { PortfolioSnapshot } from '../types.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function malformed(service: string, what: string, detail: string): UpstreamUnavailable {
  return new UpstreamUnavailable(`${service} returned a malformed ${what}: ${detail}`);
}

/**
 * Reads a portfolio accounting summary `{cashBalance, securities:[{securityId, netQuantity}]}`.
 * Quantities must be whole and ≥ 0 (the optimizer trades whole shares, and guessing how to
 * round someone's position would be worse than failing the job); zero positions are dropped.
 */
export function parsePortfolioSummary(portfolioId: string, body: unknown): PortfolioSnapshot {
  const service = 'portfolio accounting service';
  const what = `summary for portfolio ${portfolioId}`;
  if (body === null) return { portfolioId, cash: '0', holdings: [] };
  if (!isRecord(body)) throw malformed(service, what, `expected an object, got ${describeValue(body)}`);
  const cash = body.cashBalance === undefined || body.cashBalance === null ? '0' : upstreamDecimal(body.cashBalance);
  if (cash === null) throw malformed(service, what, `cashBalance ${describeValue(body.cashBalance)}`);
  const securities = body.securities ?? [];
  if (!Array.isArray(securities)) throw malformed(service, what, `securities ${describeValue(securities)}`);
  const holdings: PortfolioSnapshot['holdings'] = [];
  for (const item of securities as unknown[]) {
    if (!isRecord(item) || typeof item.securityId !== 'string' || item.securityId === '') {
      throw malformed(service, what, `security ${describeValue(item)}`);
    }
    const text = upstreamDecimal(item.netQuantity);
    const quantity = text === null ? null : new Decimal(text);
    if (quantity === null || !quantity.isInteger() || quantity.isNegative() || !Number.isSafeInteger(quantity.toNumber())) {
      throw malformed(service, what, `netQuantity ${describeValue(item.netQuantity)} of ${item.securityId} is not a whole number ≥ 0`);
    }
    if (!quantity.isZero()) holdings.push({ securityId: item.securityId, quantity: quantity.toNumber() });
  }
  return { portfolioId, cash, holdings };
}

/** Reads `{ticker}` from the security service; null when the security does not exist. */
export function parseTicker(securityId: string, body: unknown): string | null {
  if (body === null) return null;
  if (!isRecord(body) || typeof body.ticker !== 'string' || body.ticker.trim() === '') {
    throw malformed('security service', `record for security ${securityId}`, `ticker ${describeValue(isRecord(body) ? body.ticker : body)}`);
  }
  return body.ticker.trim();
}

/** Reads `{close}` from the pricing service; null (no price) when absent, not a number, or ≤ 0. */
export function parseClose(body: unknown): string | null {
  if (!isRecord(body)) return null;
  const close = upstreamDecimal(body.close);
  return close !== null && new Decimal(close).gt(0) ? close : null;
}

/** Reads `{name}` from the portfolio service; null when the portfolio or its name is absent. */
export function parsePortfolioName(portfolioId: string, body: unknown): string | null {
  if (body === null) return null;
  if (!isRecord(body)) throw malformed('portfolio service', `record for portfolio ${portfolioId}`, `expected an object, got ${describeValue(body)}`);
  return typeof body.name === 'string' && body.name.trim() !== '' ? body.name.trim() : null;
}
