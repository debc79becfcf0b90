// Actions that policies made: filtered list, one action with its log, and the answers a person
// can give (approve, reject, retry, skip).

import { h, clear, update, badge, table, time, facts, jsonBlock } from '../dom.js';
import { actions } from '../api.js';
import { pageHeader, button, outcomeArea, filterBar, pager } from '../ui.js';

const STATUSES = ['created', 'waiting_approval', 'running', 'success', 'failure', 'timeout', 'skipped', 'blocked'];
const KINDS = ['notice', 'solution', 'webhook', 'message_queue'];
const PAGE_SIZE = 50;

export function actionsTable(items) {
  return table([
    { title: 'Action', cell: (a) => h('a', { href: `#/actions/${encodeURIComponent(a.id)}`, class: 'mono' }, a.id) },
    { title: 'Policy', cell: (a) => a.policy || '' },
    { title: 'Kind', cell: (a) => a.kind || '' },
    { title: 'Signal', cell: (a) => a.signal || '' },
    { title: 'Status', cell: (a) => badge(a.status) },
    { title: 'Created', cell: (a) => time(a.created_at || a.create_time) },
  ], items, 'No actions.');
}

export async function render(view) {
  if (view.params[0]) return renderDetail(view, view.params[0]);
  document.title = 'Actions · Warden';
  const page = Math.max(1, Number(view.query.get('page')) || 1);
  const filters = ['alert', 'policy', 'kind', 'status'].reduce((o, k) => ({ ...o, [k]: view.query.get(k) }), {});
  const list = h('div', {});
  clear(view.main, pageHeader('Actions'), filterBar(view, [
    { name: 'policy', label: 'Policy' }, { name: 'alert', label: 'Alert' },
    { name: 'kind', label: 'Kind', options: KINDS }, { name: 'status', label: 'Status', options: STATUSES },
  ]), list);
  const draw = async () => {
    const answer = (await actions.list({ ...filters, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })).data || {};
    update(list, answer, () => [actionsTable(answer.items || []), pager(view, { page, pageSize: PAGE_SIZE, total: answer.total })]);
  };
  await draw();
  view.poll(draw);
}

async function renderDetail(view, id) {
  document.title = `Action ${id} · Warden`;
  const outcome = outcomeArea();
  const box = h('div', {});
  const answer = (verb) => button(verb[0].toUpperCase() + verb.slice(1), async () => {
    try { await actions.answer(id, verb, `${verb} from the console`); outcome.ok(`${verb}: done.`); await draw(); } catch (err) { outcome.error(err); }
  }, { id: `action-${verb}`, kind: verb === 'approve' ? 'primary' : '' });
  const buttons = { approve: answer('approve'), reject: answer('reject'), retry: answer('retry'), skip: answer('skip') };
  clear(view.main, h('p', {}, h('a', { href: '#/actions' }, '← Actions')),
    pageHeader(`Action ${id}`, ...Object.values(buttons)), outcome.element, box);
  async function draw() {
    const a = (await actions.get(id)).data || {};
    const ended = ['success', 'failure', 'timeout', 'skipped', 'blocked'].includes(a.status);
    buttons.approve.hidden = buttons.reject.hidden = a.status !== 'waiting_approval';
    buttons.retry.hidden = !['failure', 'timeout', 'skipped', 'blocked'].includes(a.status);
    buttons.skip.hidden = ended;
    const log = a.log || [];
    update(box, a, () => [h('section', { class: 'card' }, facts([
      ['Status', badge(a.status)], ['Policy', a.policy], ['Kind', a.kind], ['Signal', a.signal],
      ['Attempts', a.attempts], ['Message', a.message || '—'],
      ['Task', a.task_id ? h('a', { href: `#/tasks/${encodeURIComponent(a.task_id)}` }, a.task_id) : '—'],
    ])), h('section', { class: 'card' }, h('h2', {}, 'Log'), table([
      { title: 'When', cell: (e) => time(e.time || e.at) },
      { title: 'Event', cell: (e) => e.event || e.kind || '' },
      { title: 'Detail', cell: (e) => e.message || e.detail || (e.by ? `by ${e.by}` : '') },
    ], log, 'No log entries.')), h('section', { class: 'card' }, h('h2', {}, 'As stored'), jsonBlock(a))]);
  }
  await draw();
  view.poll(draw);
}
