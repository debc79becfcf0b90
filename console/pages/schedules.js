// Schedules: named timer actions on their own clock. The timer inputs (also used for a task's
// timer events) preview the next due times before anything is saved.

import { h, clear, update, badge, table, time, jsonBlock, notice } from '../dom.js';
import { timers, plugins } from '../api.js';
import { pluginForm, simpleFields, showAllErrors } from '../form.js';
import { pageHeader, button, confirmButton, outcomeArea } from '../ui.js';

const BUILTIN_EVENT_ACTIONS = ['forced_fail', 'forced_fail_and_skip'];

/**
 * The inputs of one timer: action (+ its params form), timer_type, defined, time_zone, misfire,
 * enable. kind 'event' (on a task) or 'schedule'.
 */
export async function timerFields({ kind, idPrefix }) {
  const actionPlugins = ((await plugins.list()).data || [])
    .filter((p) => p.kind === 'timer_action' && p.status === 'loaded').map((p) => p.key);
  const actionChoices = kind === 'event' ? [...BUILTIN_EVENT_ACTIONS, ...actionPlugins] : actionPlugins;
  const types = kind === 'event' ? ['time_duration', 'time_cycle', 'time_date'] : ['time_cycle', 'cron', 'time_duration', 'time_date'];
  const paramsBox = h('div', {});
  const previewBox = h('div', { class: 'preview', 'aria-live': 'polite' });
  let paramsForm = null;

  const basics = simpleFields([
    { name: 'action', label: 'Action', type: 'select', required: true, value: actionChoices[0], options: actionChoices,
      onchange: () => loadParams() },
    { name: 'timer_type', label: 'Timer type', type: 'select', required: true, value: types[0], options: types },
    { name: 'defined', label: 'Definition', required: true, placeholder: kind === 'event' ? 'PT10M' : 'R/PT5S',
      hint: 'time_duration PT15S · time_cycle R5/PT10S or R/PT5S · time_date 2030-01-01T12:00:00Z · cron */5 * * * *' },
    kind === 'schedule' ? { name: 'time_zone', label: 'Time zone (cron)', placeholder: 'UTC', hint: 'IANA zone, e.g. Europe/Berlin' } : null,
    { name: 'misfire', label: 'Misfire', type: 'select', value: '', options: ['fire_once', 'skip', 'replay_all'],
      hint: 'What happens to occurrences missed while the host was down.' },
    { name: 'enable', label: 'Enabled', type: 'checkbox', value: true },
  ].filter(Boolean), { idPrefix, errorPrefixes: ['schedule.'] });

  async function loadParams() {
    const action = basics.controls.get('action').value;
    paramsForm = null;
    if (!action || BUILTIN_EVENT_ACTIONS.includes(action)) { clear(paramsBox); return; }
    const plugin = (await plugins.get(action)).data;
    paramsForm = await pluginForm(plugin, { errorPrefixes: ['schedule.params.', 'params.'], idPrefix: `${idPrefix}-params` });
    clear(paramsBox, h('fieldset', { class: 'group' }, h('legend', {}, 'Parameters'), paramsForm.element));
  }
  await loadParams();

  function read() {
    const values = basics.read();
    const out = { action: values.action, timer_type: values.timer_type, defined: values.defined || '', enable: values.enable };
    if (values.time_zone) out.time_zone = values.time_zone;
    if (values.misfire) out.misfire = values.misfire;
    if (paramsForm) out.params = paramsForm.read();
    return out;
  }

  async function preview() {
    const values = read();
    const body = { timer_type: values.timer_type, defined: values.defined, count: 5 };
    if (values.time_zone) body.time_zone = values.time_zone;
    basics.clearErrors();
    try {
      const due = (await timers.preview(body)).data?.due_times || [];
      clear(previewBox, h('h4', {}, 'Next due times'),
        due.length ? h('ol', { class: 'due-times' }, due.map((t) => h('li', {}, time(t), ' ', h('code', {}, t))))
          : h('p', { class: 'muted' }, 'It will not fire again.'));
    } catch (err) {
      if (err.errors) basics.showErrors(err.errors);
      clear(previewBox, notice('error', err.message));
    }
  }

  return { element: h('div', {}, basics.element, paramsBox), read, preview, previewBox,
    parts: () => [basics, paramsForm] };
}

export async function render(view) {
  if (view.params[0] === 'new') return renderNew(view);
  if (view.params[0]) return renderDetail(view, view.params[0]);
  document.title = 'Schedules · Warden';
  const list = h('div', {});
  clear(view.main, pageHeader('Schedules', h('a', { class: 'btn btn-primary', href: '#/schedules/new' }, 'New schedule')), list);
  const draw = async () => {
    const all = (await timers.schedules()).data || [];
    update(list, all, () => table([
      { title: 'Name', cell: (s) => h('a', { href: `#/schedules/${encodeURIComponent(s.name)}` }, s.name) },
      { title: 'Action', cell: (s) => s.action },
      { title: 'Timer', cell: (s) => h('code', {}, `${s.timer_type} ${s.defined}`) },
      { title: 'State', cell: (s) => [badge(s.state), s.running ? ' running' : ''] },
      { title: 'Next due', cell: (s) => time(s.due_time) },
      { title: 'Runs', cell: (s) => String(s.runs ?? 0) },
      { title: 'Failures', cell: (s) => String(s.failures ?? 0) },
      { title: 'Last outcome', cell: (s) => s.last_outcome || '—' },
    ], all, 'No schedules yet.'));
  };
  await draw();
  view.poll(draw);
}

async function renderNew(view) {
  document.title = 'New schedule · Warden';
  const outcome = outcomeArea();
  const topErrors = h('div', { class: 'form-errors', role: 'alert', hidden: true });
  const name = simpleFields([{ name: 'name', label: 'Name', required: true }], { idPrefix: 'schedule', errorPrefixes: ['schedule.'] });
  const timer = await timerFields({ kind: 'schedule', idPrefix: 'schedule' });
  const form = h('form', { class: 'card', id: 'schedule-form', novalidate: true }, topErrors, name.element, timer.element,
    h('div', { class: 'buttons' }, button('Preview due times', () => timer.preview(), { id: 'preview-schedule' }),
      h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save schedule')),
    timer.previewBox, outcome.element);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { name: name.read().name || '', ...timer.read() };
    try {
      await timers.saveSchedule(body);
      view.go(`#/schedules/${encodeURIComponent(body.name)}`);
    } catch (err) {
      if (err.errors) showAllErrors(err.errors, [name, ...timer.parts()], topErrors);
      outcome.error(err);
    }
  });
  clear(view.main, h('p', {}, h('a', { href: '#/schedules' }, '← Schedules')), pageHeader('New schedule'), form);
}

async function renderDetail(view, name) {
  document.title = `${name} · Schedules · Warden`;
  const box = h('div', {});
  const outcome = outcomeArea();
  const remove = confirmButton('Delete', async () => {
    try { await timers.removeSchedule(name); view.go('#/schedules'); } catch (err) { outcome.error(err); }
  }, { id: 'delete-schedule' });
  clear(view.main, h('p', {}, h('a', { href: '#/schedules' }, '← Schedules')), pageHeader(`Schedule ${name}`, remove), outcome.element, box);
  const draw = async () => {
    const schedule = (await timers.schedule(name)).data;
    update(box, schedule, () => h('section', { class: 'card' }, jsonBlock(schedule)));
  };
  await draw();
  view.poll(draw);
}
