import { getSending } from './api.js';
import { fmtDate, fmtInt, h, isFinal } from './dom.js';

/** Refresh period of the run's send status (docs/OPERATIONS.md "Run view" lists it). */
export const SENDING_POLL_MS = 2000;

const STATES = { not_planned: 'not planned yet', sending: 'sending', done: 'done' };
const PARTS = [
  ['sent', 'sent', 'Acknowledged by the Order Service'],
  ['rejected', 'rejected', 'Refused by the Order Service (see the outbox message)'],
  ['in_flight', 'in-flight', 'Posted, or of unknown outcome until reconciled'],
  ['pending', 'pending', 'Waiting for a batch'],
];

function bar(orders) {
  const total = orders.total || 0;
  const el = h('div', { class: 'progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': total, 'aria-valuenow': orders.sent + orders.rejected });
  for (const [key, cls] of PARTS) {
    const seg = h('span', { class: `seg send-${cls}` });
    seg.style.width = `${total > 0 ? Math.min(100, (orders[key] / total) * 100).toFixed(2) : 0}%`;
    el.append(seg);
  }
  return el;
}

function legend(orders) {
  return h('p', { class: 'legend', 'data-testid': 'sending-legend' },
    PARTS.map(([key, cls, title]) => h('span', { title }, h('span', { class: `swatch send-${cls}` }), ` ${key.replace('_', ' ')} ${fmtInt(orders[key])}  `)));
}

function body(status) {
  const o = status.orders;
  return h('div', {},
    h('p', {}, `${STATES[status.state] ?? status.state}: ${fmtInt(o.sent)} of ${fmtInt(o.total)} orders acknowledged in ${fmtInt(status.batches)} batches`,
      status.completed_at ? ` · done ${fmtDate(status.completed_at)}` : status.planned_at ? ` · planned ${fmtDate(status.planned_at)}` : ''),
    bar(o), legend(o));
}

/**
 * The run's orders on their way to the Order Service (`GET /runs/{id}/sending`). Hidden where the
 * server has no such route or sending is off and nothing was planned for this run.
 */
export function sendingSection(runId, later, currentRun) {
  const content = h('div', { 'data-testid': 'sending-body' });
  const element = h('section', { hidden: true, 'data-testid': 'sending' }, h('h2', {}, 'Sending to the Order Service'), content);
  async function poll() {
    let status;
    try {
      status = await getSending(runId);
      if (status === null) return; // no sending route on this server
      const quiet = !status.enabled && status.state === 'not_planned' && status.orders.total === 0;
      element.hidden = quiet;
      if (!quiet) content.replaceChildren(body(status));
    } catch (e) {
      element.hidden = false;
      content.replaceChildren(h('p', { class: 'error' }, `Could not load the send status: ${e.message}`));
    }
    const run = currentRun();
    if (!run || !isFinal(run.status) || status?.state === 'sending') later(poll, SENDING_POLL_MS);
  }
  return { element, poll };
}
