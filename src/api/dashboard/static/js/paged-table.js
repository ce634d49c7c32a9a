import { fmtInt, h } from './dom.js';

/**
 * A table that loads one page at a time and says so: "loading…" while a request is out, the
 * error when one fails. Pages forward with the API's `next` cursor when the answer has one
 * (back by the cursors already seen); an answer without `next` (an older server) pages by offset.
 *
 * `headers`: a label, or `{label, num?, class?}` (`class` goes on the header cell, e.g. `tax-col`).
 * `load({after, offset, limit})` resolves with `{items, total, next?}`; `row(item)` builds a `<tr>`.
 * `reload()` fetches the current page again (live runs); a reload never overlaps a load.
 */
export function pagedTable({ testId, headers, load, row, empty, limit = 25 }) {
  const body = h('tbody');
  const status = h('span', { class: 'muted', 'data-testid': `${testId}-status` });
  const error = h('p', { class: 'error', 'data-testid': `${testId}-error` });
  const cursors = [undefined];
  let index = 0;
  let offset = 0;
  let keyed = false;
  let last = { items: [], total: 0, next: null };
  let inFlight;
  let again = false;
  // Disabled until the first page says where it is.
  const prev = h('button', { onclick: () => go(-1), disabled: true }, '← Previous');
  const next = h('button', { onclick: () => go(1), disabled: true }, 'Next →');
  const table = h('table', { 'data-testid': testId }, h('thead', {}, h('tr', {}, headers.map((t) => h('th', { class: [t.num ? 'num' : '', t.class ?? ''].join(' ').trim() || undefined }, t.label ?? t)))), body);
  const element = h('div', { class: 'paged' }, error, table, h('div', { class: 'pager' }, prev, next, status));

  function go(step) {
    if (keyed) {
      if (step > 0) cursors[index + 1] = last.next;
      index = Math.max(0, index + step);
    } else offset = Math.max(0, offset + step * limit);
    reload(true);
  }

  function render(page) {
    last = page;
    keyed = page.next !== undefined;
    body.replaceChildren(...page.items.map(row));
    if (page.items.length === 0) body.append(h('tr', {}, h('td', { colspan: headers.length, class: 'muted' }, empty)));
    const first = keyed ? index * limit : offset;
    // Counters can trail the rows written a moment ago; never claim fewer than are shown.
    const total = Math.max(page.total, first + page.items.length);
    status.textContent = page.items.length ? `${fmtInt(first + 1)}–${fmtInt(first + page.items.length)} of ${fmtInt(total)}` : `${fmtInt(total)} in all`;
    prev.disabled = keyed ? index === 0 : offset === 0;
    next.disabled = keyed ? !page.next : offset + limit >= total;
  }

  /**
   * Loads the current page; `shown` says whether to announce it (a user action) or refresh quietly.
   * A quiet reload asked for while one is out runs once more after it, so it sees data at least as new as the ask.
   */
  function reload(shown = false) {
    if (inFlight && !shown) {
      again = true;
      return inFlight;
    }
    if (shown || body.childElementCount === 0) {
      status.textContent = 'loading…';
      table.setAttribute('aria-busy', 'true');
      // A second click before the page arrives would page from a cursor that is not the shown page's.
      prev.disabled = true;
      next.disabled = true;
    }
    const request = load(keyed ? { after: cursors[index], limit } : { offset, limit });
    const done = request
      .then((page) => {
        if (inFlight !== done) return;
        error.textContent = '';
        render(page);
      })
      .catch((e) => {
        if (inFlight !== done) return;
        error.textContent = `Could not load: ${e.message}`;
        status.textContent = '';
        prev.disabled = keyed ? index === 0 : offset === 0;
      })
      .finally(() => {
        if (inFlight === done) {
          inFlight = undefined;
          table.removeAttribute('aria-busy');
          if (again) {
            again = false;
            reload();
          }
        }
      });
    inFlight = done;
    return done;
  }

  return { element, reload, reset: () => { cursors.length = 1; index = 0; offset = 0; keyed = false; return reload(true); } };
}
