import { card, fmtInt, fmtMoney, h } from './dom.js';

/** True when the run weighed tax: only then do the tax columns and panels show. */
export function taxEnabled(run) {
  return run?.options?.tax?.enabled === true;
}

/** A sell's lots as `L1 ×4 (−80.00 short)`, one per line; empty for buys and lot-less sells. */
export function lotsText(lots) {
  if (!lots || lots.length === 0) return '';
  return lots.map((l) => `${l.lot_id} ×${fmtInt(l.quantity)} (${fmtMoney(l.realized_gain)} ${l.term})`).join('\n');
}

/** Cells with the `tax-col` class, hidden by CSS until the run turns out to be tax-aware. */
export function taxCell(text, num = false) {
  return h('td', { class: `tax-col${num ? ' num' : ''}` }, text);
}

/** The portfolio page's tax panel: realized gains and losses and the estimated tax; null without tax data. */
export function taxPanel(r) {
  const tax = r.tax;
  if (!tax) return null;
  return h('section', { 'data-testid': 'tax' },
    h('h2', {}, 'Tax of the sells'),
    h('div', { class: 'cards' },
      card('Short-term gain', fmtMoney(tax.short_term_gain), 'short_term_gain'),
      card('Short-term loss', fmtMoney(tax.short_term_loss), 'short_term_loss'),
      card('Long-term gain', fmtMoney(tax.long_term_gain), 'long_term_gain'),
      card('Long-term loss', fmtMoney(tax.long_term_loss), 'long_term_loss'),
      card('Estimated tax', fmtMoney(tax.estimated_tax), 'estimated_tax'),
    ));
}

const LOT_HEADERS = ['Security', 'Lot', { label: 'Quantity', num: true }, { label: 'Realized gain', num: true }, 'Term'];

/** Every lot the portfolio's sells take, one row per lot; null when no sell names lots. */
export function lotsTable(positions) {
  const rows = positions.flatMap((p) => (p.lots ?? []).map((l) => h('tr', { 'data-lot': l.lot_id },
    h('td', { class: 'id', title: `security ${p.security_id}` }, p.ticker ?? p.security_id),
    h('td', { class: 'id' }, l.lot_id),
    h('td', { class: 'num' }, fmtInt(l.quantity)),
    h('td', { class: 'num' }, fmtMoney(l.realized_gain)),
    h('td', {}, l.term))));
  if (rows.length === 0) return null;
  return h('section', {},
    h('h2', {}, 'Lots sold'),
    h('table', { 'data-testid': 'lots' },
      h('thead', {}, h('tr', {}, LOT_HEADERS.map((t) => h('th', { class: t.num ? 'num' : undefined }, t.label ?? t)))),
      h('tbody', {}, rows)));
}
