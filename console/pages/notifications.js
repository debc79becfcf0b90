// Notices: every delivery through a channel instance, filtered (channel, status, origin in the
// URL), one notice's detail, replay.

import { h, clear, update, badge, table, time, facts, jsonBlock } from '../dom.js';
import { notifications } from '../api.js';
import { pageHeader, button, outcomeArea, filterBar, pager } from '../ui.js';

const STATUSES = ['created', 'sending', 'sent', 'failed', 'blocked'];
const PAGE_SIZE = 50;

export async function render(view) {
  if (view.params[0]) return renderDetail(view, view.params[0]);
  document.title = 'Notifications · Warden';
  const page = Math.max(1, Number(view.query.get('page')) || 1);
  const filters = { channel: view.query.get('channel'), status: view.query.get('status'), origin: view.query.get('origin') };
  const list = h('div', {});
  clear(view.main, pageHeader('Notifications'),
    filterBar(view, [{ name: 'channel', label: 'Channel' }, { name: 'status', label: 'Status', options: STATUSES },
      { name: 'origin', label: 'Origin', placeholder: 'api, test, plugin:…' }]), list);
  const draw = async () => {
    const answer = await notifications.list({ ...filters, page, p_size: PAGE_SIZE });
    update(list, answer, () => [table([
      { title: 'Notice', cell: (n) => h('a', { href: `#/notifications/${encodeURIComponent(n.notice_id)}`, class: 'mono' }, n.notice_id) },
      { title: 'Channel', cell: (n) => n.channel },
      { title: 'Origin', cell: (n) => n.origin },
      { title: 'Status', cell: (n) => badge(n.status) },
      { title: 'Title', cell: (n) => n.alert?.title || n.alert?.subject || '' },
      { title: 'Attempts', cell: (n) => String(n.attempts ?? 0) },
      { title: 'Created', cell: (n) => time(n.create_time) },
    ], answer.data || [], 'No notices match.'), pager(view, { page, pageSize: PAGE_SIZE, total: answer.total })]);
  };
  await draw();
  view.poll(draw);
}

async function renderDetail(view, id) {
  document.title = `Notice ${id} · Warden`;
  const outcome = outcomeArea();
  const box = h('div', {});
  const replay = button('Replay', async () => {
    try { await notifications.replay(id); outcome.ok('Queued again.'); await draw(); } catch (err) { outcome.error(err); }
  }, { id: 'replay-notice' });
  clear(view.main, h('p', {}, h('a', { href: '#/notifications' }, '← Notifications')), pageHeader(`Notice ${id}`, replay), outcome.element, box);
  async function draw() {
    const n = (await notifications.get(id)).data || {};
    replay.hidden = !['failed', 'blocked'].includes(n.status);
    update(box, n, () => h('section', { class: 'card' }, facts([
      ['Status', badge(n.status)], ['Channel', n.channel ? h('a', { href: `#/channels/${encodeURIComponent(n.channel)}` }, n.channel) : '—'],
      ['Plugin', n.plugin], ['Origin', n.origin], ['Dedupe key', n.dedupe_key], ['Aggregated', n.aggregated],
      ['Attempts', n.attempts], ['Next attempt', time(n.next_attempt_time)], ['Created', time(n.create_time)],
      ['Ended', time(n.end_time)], ['HTTP status', n.http_status ?? '—'], ['Error', n.error || '—'],
      ['Vendor answer', h('pre', { class: 'detail' }, n.detail || '—')], ['Template error', n.template_error || '—'],
      ['Blocked by', n.blocked_by || '—'],
    ]), h('h2', {}, 'Alert'), jsonBlock(n.alert)));
  }
  await draw();
  view.poll(draw);
}
