// Alert records: filtered list (state, source in the URL), a record with its actions, close.

import { h, clear, update, badge, table, time, facts, jsonBlock } from '../dom.js';
import { alerts } from '../api.js';
import { pageHeader, button, outcomeArea, filterBar, pager } from '../ui.js';
import { actionsTable } from './actions.js';

const STATES = ['abnormal', 'recovered', 'no_data', 'closed'];
const PAGE_SIZE = 50;

export async function render(view) {
  if (view.params[0]) return renderDetail(view, view.params[0]);
  document.title = 'Alerts · Warden';
  const page = Math.max(1, Number(view.query.get('page')) || 1);
  const filters = { state: view.query.get('state'), source: view.query.get('source') };
  const list = h('div', {});
  clear(view.main, pageHeader('Alerts'),
    filterBar(view, [{ name: 'state', label: 'State', options: STATES }, { name: 'source', label: 'Source' }]), list);
  const draw = async () => {
    const answer = (await alerts.list({ ...filters, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })).data || {};
    update(list, answer, () => [table([
      { title: 'Record', cell: (r) => h('a', { href: `#/alerts/${encodeURIComponent(r.id)}`, class: 'mono' }, r.id) },
      { title: 'Title', cell: (r) => r.alert?.title || r.alert?.subject || r.alert?.message || '' },
      { title: 'Source', cell: (r) => r.alert?.source || '' },
      { title: 'State', cell: (r) => badge(r.state) },
      { title: 'Count', cell: (r) => String(r.count ?? '') },
      { title: 'Last seen', cell: (r) => time(r.last_seen) },
    ], answer.items || [], 'No alert records match.'), pager(view, { page, pageSize: PAGE_SIZE, total: answer.total })]);
  };
  await draw();
  view.poll(draw);
}

async function renderDetail(view, id) {
  document.title = `Alert ${id} · Warden`;
  const outcome = outcomeArea();
  const box = h('div', {});
  const close = button('Close', async () => {
    try { await alerts.close(id, 'closed from the console'); outcome.ok('Closed.'); await draw(); } catch (err) { outcome.error(err); }
  }, { id: 'close-alert' });
  clear(view.main, h('p', {}, h('a', { href: '#/alerts' }, '← Alerts')), pageHeader(`Alert ${id}`, close), outcome.element, box);
  async function draw() {
    const record = (await alerts.get(id)).data || {};
    close.hidden = record.state === 'closed';
    update(box, record, () => [h('section', { class: 'card' }, facts([
      ['State', badge(record.state)], ['Fingerprint', record.fingerprint], ['Count', record.count],
      ['First seen', time(record.first_seen)], ['Last seen', time(record.last_seen)],
      ['Recovered', time(record.recovered_at)], ['Closed', time(record.closed_at)],
      ['Closed by', record.closed_by || '—'], ['Close reason', record.close_reason || '—'], ['Origin', record.origin],
    ]), h('h2', {}, 'Latest alert'), jsonBlock(record.alert)),
    h('section', { class: 'card' }, h('h2', {}, 'Actions'), actionsTable(record.actions || []))]);
  }
  await draw();
  view.poll(draw);
}
