// The host at a glance: /api/status and a few figures from /metrics.

import { h, clear, facts, time } from '../dom.js';
import { status } from '../api.js';
import { pageHeader, errorNotice } from '../ui.js';

/** Sums the samples of one metric in Prometheus text, optionally only those with a label value. */
export function metricSum(text, name, labelFilter) {
  let total = null;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || line.startsWith('#')) continue;
    const match = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/);
    if (!match || match[1] !== name) continue;
    if (labelFilter && !(match[2] || '').includes(labelFilter)) continue;
    const value = Number(match[3]);
    if (!Number.isNaN(value)) total = (total ?? 0) + value;
  }
  return total;
}

const FIGURES = [
  ['Tasks active', 'warden_tasks_active'],
  ['Tasks created (total)', 'warden_tasks_created_total'],
  ['Tasks finished', 'warden_tasks_ended_total', 'status="finished"'],
  ['Tasks failed', 'warden_tasks_ended_total', 'status="failed"'],
  ['Timers stored', 'warden_timers', 'state="stored"'],
  ['Timers armed', 'warden_timers', 'state="armed"'],
  ['Notices sent', 'warden_notices_total', 'outcome="sent"'],
  ['Notices failed', 'warden_notices_total', 'outcome="failed"'],
  ['Open alert records', 'warden_alert_records_open'],
  ['Unfinished actions', 'warden_actions_unfinished'],
  ['HTTP requests (total)', 'warden_http_requests_total'],
];

export async function render(view) {
  document.title = 'Status · Warden';
  const body = h('div', {});
  clear(view.main, pageHeader('Status'), body);
  const draw = async () => {
    const [info, metrics] = await Promise.allSettled([status.get(), status.metrics()]);
    const parts = [];
    if (info.status === 'fulfilled') {
      const d = info.value.data || {};
      parts.push(h('section', { class: 'card' }, h('h2', {}, 'Host'), facts([
        ['Version', d.version], ['Host id', d.host_id], ['Role', d.role], ['Database', d.database],
        ['Started', time(d.started_at)], ['Uptime', d.uptime_seconds != null ? `${Math.round(d.uptime_seconds)} s` : null],
        ['Plugins loaded', d.plugins?.loaded], ['Plugins failed', d.plugins?.failed],
      ])));
    } else {
      parts.push(errorNotice(info.reason));
    }
    if (metrics.status === 'fulfilled') {
      parts.push(h('section', { class: 'card' }, h('h2', {}, 'Figures'), h('p', { class: 'muted' }, 'From ', h('a', { href: '/metrics' }, '/metrics'), '.'),
        h('dl', { class: 'figures' }, FIGURES.map(([label, name, filter]) => {
          const value = metricSum(metrics.value, name, filter);
          return h('div', { class: 'figure', 'data-metric': name }, h('dt', {}, label), h('dd', {}, value === null ? '—' : String(value)));
        }))));
    } else {
      parts.push(errorNotice(metrics.reason));
    }
    clear(body, parts);
  };
  await draw();
  view.poll(draw, 5000);
}
