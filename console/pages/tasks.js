// Tasks: the list (filters in the URL, 50 a page, polled), a new task from a solution's form, and
// a task's detail with its result, condition, re-run and timer events.

import { h, clear, update, badge, table, time, facts, jsonBlock, notice } from '../dom.js';
import { tasks, plugins, timers } from '../api.js';
import { pluginForm, simpleFields, showAllErrors } from '../form.js';
import { pageHeader, button, confirmButton, outcomeArea, filterBar, pager } from '../ui.js';
import { timerFields } from './schedules.js';

const STATUSES = ['ready', 'waiting', 'running', 'finished', 'failed'];
const PAGE_SIZE = 50;

export async function render(view) {
  if (view.params[0] === 'new') return renderNew(view);
  if (view.params[0]) return renderDetail(view, view.params[0]);
  document.title = 'Tasks · Warden';
  const services = (await tasks.services()).data || [];
  const page = Math.max(1, Number(view.query.get('page')) || 1);
  const filters = { service: view.query.get('service') || undefined, status: view.query.get('status') || undefined };
  const list = h('div', { id: 'task-list' });
  clear(view.main,
    pageHeader('Tasks', h('a', { class: 'btn btn-primary', href: `#/tasks/new${filters.service ? `?service=${encodeURIComponent(filters.service)}` : ''}` }, 'New task')),
    filterBar(view, [{ name: 'service', label: 'Service', options: services }, { name: 'status', label: 'Status', options: STATUSES }]),
    list);
  const draw = async () => {
    const answer = await tasks.list({ p_size: PAGE_SIZE, page, ...filters });
    update(list, answer, () => [table([
      { title: 'Task', cell: (t) => h('a', { href: `#/tasks/${encodeURIComponent(t.task_id)}`, class: 'mono' }, t.task_id) },
      { title: 'Service', cell: (t) => t.service },
      { title: 'Status', cell: (t) => h('span', { class: 'task-status', 'data-task': t.task_id }, badge(t.status), t.skipped ? ' (skipped)' : '') },
      { title: 'Message', cell: (t) => t.message || '' },
      { title: 'Created', cell: (t) => time(t.create_time) },
      { title: 'Ended', cell: (t) => time(t.end_time) },
    ], answer.data || [], 'No tasks match.'), pager(view, { page, pageSize: PAGE_SIZE, total: answer.total })]);
  };
  await draw();
  view.poll(draw);
}

async function renderNew(view) {
  document.title = 'New task · Warden';
  const services = (await tasks.services()).data || [];
  const chosen = view.query.get('service') || services[0] || '';
  const outcome = outcomeArea();
  const topErrors = h('div', { class: 'form-errors', role: 'alert', hidden: true });
  const picker = simpleFields([
    { name: 'service', label: 'Solution', type: 'select', required: true, value: chosen, options: services,
      onchange: (e) => view.setQuery({ service: e.target.value }) },
  ], { idPrefix: 'task' });
  const options = simpleFields([
    { name: 'timeout', label: 'Timeout (s)', type: 'number', min: '0', hint: 'Seconds the task may take in all; 0: none; empty: the host default.' },
    { name: 'start', label: 'Start at once', type: 'checkbox', value: true },
  ], { idPrefix: 'task', errorPrefixes: ['data.'] });
  let form = null;
  const formBox = h('div', {});
  if (chosen) {
    const plugin = (await plugins.get(chosen)).data;
    form = await pluginForm(plugin, { errorPrefixes: ['condition.', 'data.condition.'], idPrefix: 'condition' });
    clear(formBox, form.element);
  } else {
    clear(formBox, notice('info', 'No solution is loaded, so no task can be made.'));
  }
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', disabled: !chosen }, 'Create task');
  const el = h('form', { class: 'card', id: 'new-task-form', novalidate: true }, topErrors, picker.element,
    h('fieldset', { class: 'group' }, h('legend', {}, 'Condition'), formBox), options.element,
    h('div', { class: 'buttons' }, submit), outcome.element);
  el.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    const extra = options.read();
    try {
      const answer = await tasks.create({ service: chosen, condition: form.read(), ...extra });
      view.go(`#/tasks/${encodeURIComponent(answer.task_id)}`);
    } catch (err) {
      if (err.errors) {
        showAllErrors(err.errors, [form, picker, options], topErrors);
        outcome.show(h('p', { class: 'error-text', role: 'alert' }, err.message));
      } else {
        outcome.error(err);
      }
    } finally {
      submit.disabled = false;
    }
  });
  clear(view.main, h('p', {}, h('a', { href: '#/tasks' }, '← Tasks')), pageHeader('New task'), el);
}

async function findTask(taskId) {
  const answer = await tasks.list({ task_id: taskId, p_size: 1, page: 1 });
  return (answer.data || [])[0] || null;
}

async function renderDetail(view, taskId) {
  document.title = `${taskId} · Tasks · Warden`;
  const summary = h('div', { id: 'task-summary' });
  const outcome = outcomeArea();
  const rerun = button('Re-run', async () => {
    try { await tasks.start(taskId); outcome.ok('Queued again.'); await draw(); } catch (err) { outcome.error(err); }
  }, { id: 'rerun-task' });
  const conditionBox = h('section', { class: 'card' });
  const eventsBox = h('section', { class: 'card', id: 'timer-events' });
  clear(view.main, h('p', {}, h('a', { href: '#/tasks' }, '← Tasks')), pageHeader('Task', rerun),
    h('p', { class: 'mono' }, taskId), outcome.element, summary, conditionBox, eventsBox);

  async function draw() {
    const result = await tasks.result(taskId);
    update(summary, result, () => h('section', { class: 'card' }, facts([
      ['Status', h('span', { id: 'task-status' }, badge(result.status), result.skipped ? ' (skipped)' : '')],
      ['Step', h('span', { id: 'task-step' }, result.step ?? '—')],
      ['Message', result.message || '—'],
      ['Failure type', result.failure_type || '—'],
      ['Started', h('span', { id: 'task-started' }, time(result.start_time))], ['Ended', time(result.end_time)],
      ['Spent', result.spend_time != null ? `${result.spend_time} s` : '—'],
      ['Action', result.action_id ? h('a', { href: `#/actions/${encodeURIComponent(result.action_id)}` }, result.action_id) : '—'],
    ]), h('h2', {}, 'Result data'), jsonBlock(result.data ?? {})));
  }
  await draw();
  view.poll(draw);
  await drawCondition(taskId, conditionBox);
  await drawEvents(view, taskId, eventsBox);
}

async function drawCondition(taskId, box) {
  const task = await findTask(taskId);
  if (!task) { clear(box, h('h2', {}, 'Condition'), h('p', { class: 'muted' }, 'No such task.')); return; }
  const plugin = (await plugins.get(task.service)).data;
  const form = await pluginForm(plugin, { values: task.condition || {}, errorPrefixes: ['condition.'], idPrefix: 'update' });
  const outcome = outcomeArea();
  const el = h('form', { novalidate: true, id: 'update-condition' }, form.element,
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'btn' }, 'Update condition')), outcome.element);
  el.addEventListener('submit', async (event) => {
    event.preventDefault();
    form.clearErrors();
    try {
      await tasks.update(taskId, form.read());
      outcome.ok('Condition updated. Re-run the task to use it.');
    } catch (err) {
      if (err.errors) form.showErrors(err.errors);
      outcome.error(err);
    }
  });
  clear(box, h('h2', {}, 'Condition'), h('details', {}, h('summary', {}, 'As stored'), jsonBlock(task.condition)), el);
}

async function drawEvents(view, taskId, box) {
  const list = h('div', {});
  const outcome = outcomeArea();
  const drawList = async () => {
    const events = (await timers.events(taskId)).data || [];
    update(list, events, () => table([
      { title: 'Id', cell: (e) => e.id },
      { title: 'Action', cell: (e) => e.action },
      { title: 'Timer', cell: (e) => `${e.timer_type} ${e.defined}` },
      { title: 'State', cell: (e) => badge(e.state) },
      { title: 'Due', cell: (e) => time(e.due_time) },
      { title: 'Fired', cell: (e) => String(e.fired ?? 0) },
      { title: 'Last outcome', cell: (e) => [e.last_outcome || '—', e.last_error ? ` (${e.last_error})` : ''] },
      { title: '', cell: (e) => (['pending', 'armed', 'disabled'].includes(e.state)
        ? confirmButton('Delete', async () => {
          try { await timers.removeEvent(e.id); await drawList(); } catch (err) { outcome.error(err); }
        }, { 'aria-label': `Delete timer event ${e.id}` }) : '') },
    ], events, 'No timer events.'));
  };
  await drawList();
  view.poll(drawList);

  const topErrors = h('div', { class: 'form-errors', role: 'alert', hidden: true });
  const timerForm = await timerFields({ kind: 'event', idPrefix: 'event' });
  const el = h('form', { novalidate: true, id: 'add-timer-event' }, h('h3', {}, 'Add a timer event'), topErrors,
    timerForm.element,
    h('div', { class: 'buttons' },
      button('Preview due times', () => timerForm.preview(), { id: 'preview-event' }),
      h('button', { type: 'submit', class: 'btn btn-primary' }, 'Add event')),
    timerForm.previewBox, outcome.element);
  el.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await timers.addEvents(taskId, [timerForm.read()]);
      showAllErrors({}, timerForm.parts(), topErrors);
      outcome.ok('Timer event added.');
      await drawList();
    } catch (err) {
      if (err.errors) {
        // keyed <task_id>[0].field
        const local = Object.fromEntries(Object.entries(err.errors).map(([k, m]) => [k.replace(`${taskId}[0].`, ''), m]));
        showAllErrors(local, timerForm.parts(), topErrors);
      }
      outcome.error(err);
    }
  });
  clear(box, h('h2', {}, 'Timer events'), list, el);
}
