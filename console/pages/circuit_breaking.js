// Circuit-breaking rules: the list with each rule's state, add one rule, delete one.

import { h, clear, update, badge, table, time } from '../dom.js';
import { circuitBreaking } from '../api.js';
import { simpleFields, showAllErrors } from '../form.js';
import { pageHeader, confirmButton, outcomeArea } from '../ui.js';
import { localToIso } from '../form.js';

export async function render(view) {
  document.title = 'Circuit breaking · Warden';
  const list = h('div', {});
  const outcome = outcomeArea();
  const topErrors = h('div', { class: 'form-errors', role: 'alert', hidden: true });
  const fields = simpleFields([
    { name: 'id', label: 'Id', hint: 'Optional; generated (cb_…) when empty.' },
    { name: 'description', label: 'Description' },
    { name: 'module', label: 'Breaks', type: 'select', value: 'notice', required: true, options: ['notice', 'action', 'all'] },
    { name: 'key', label: 'Condition key', required: true, placeholder: 'strategy_id', errorKeys: ['conditions', 'conditions[0].key'],
      hint: 'channel, source, type, status, severity, strategy_source or any label.' },
    { name: 'method', label: 'Method', type: 'select', value: 'eq', required: true, options: ['eq', 'neq'], errorKeys: ['conditions[0].method'] },
    { name: 'value', label: 'Values', required: true, placeholder: '1, 2', errorKeys: ['conditions[0].value'], hint: 'Comma-separated.' },
    { name: 'end_time', label: 'Ends at (a maintenance silence)', type: 'datetime-local', hint: 'Empty: until removed.' },
  ], { idPrefix: 'rule' });
  fields.controls.get('end_time').step = '1';
  const form = h('form', { class: 'card', id: 'rule-form', novalidate: true }, h('h2', {}, 'Add a rule'), topErrors, fields.element,
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Add rule')), outcome.element);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const v = fields.read();
    const rule = { module: v.module, conditions: [{ key: v.key || '', method: v.method,
      value: (v.value || '').split(',').map((s) => s.trim()).filter(Boolean) }] };
    if (v.id) rule.id = v.id;
    if (v.description) rule.description = v.description;
    if (v.end_time) rule.end_time = localToIso(v.end_time);
    try {
      await circuitBreaking.addRule(rule);
      showAllErrors({}, [fields], topErrors);
      outcome.ok('Rule added.');
      await draw();
    } catch (err) {
      if (err.errors) showAllErrors(err.errors, [fields], topErrors);
      outcome.error(err);
    }
  });
  clear(view.main, pageHeader('Circuit breaking'), list, form);
  async function draw() {
    const rules = (await circuitBreaking.rules()).data || [];
    update(list, rules, () => table([
      { title: 'Id', cell: (r) => h('code', {}, r.id) },
      { title: 'Breaks', cell: (r) => r.module || 'notice' },
      { title: 'Conditions', cell: (r) => (r.conditions || []).map((c) => `${c.key} ${c.method || 'eq'} ${[].concat(c.value).join(', ')}`).join('; ') },
      { title: 'Ends', cell: (r) => time(r.end_time) },
      { title: 'Active', cell: (r) => badge(r.active ? 'active' : 'inactive') },
      { title: 'Description', cell: (r) => r.description || '' },
      { title: '', cell: (r) => confirmButton('Delete', async () => {
        try { await circuitBreaking.removeRule(r.id); await draw(); } catch (err) { outcome.error(err); }
      }, { 'aria-label': `Delete rule ${r.id}` }) },
    ], rules, 'No rules: nothing is blocked.'));
  }
  await draw();
  view.poll(draw);
}
