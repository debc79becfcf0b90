// Policies: list in matching order, one policy as JSON, create/edit as JSON (their nesting makes a
// generated form less clear than the text), delete.

import { h, clear, update, table, jsonBlock } from '../dom.js';
import { policies } from '../api.js';
import { simpleFields, showAllErrors } from '../form.js';
import { pageHeader, confirmButton, outcomeArea } from '../ui.js';

const EXAMPLE = {
  order: 0, enabled: true, description: '',
  match: [{ field: 'labels.alertname', op: 'eq', value: 'DiskFull' }],
  signals: ['abnormal'],
  actions: [{ kind: 'notice', channels: ['oncall'], mode: 'once' }],
};

export async function render(view) {
  if (view.params[0]) return renderEditor(view, view.params[0] === 'new' ? null : view.params[0]);
  document.title = 'Policies · Warden';
  const list = h('div', {});
  clear(view.main, pageHeader('Policies', h('a', { class: 'btn btn-primary', href: '#/policies/new' }, 'New policy')), list);
  const draw = async () => {
    const all = (await policies.list()).data || [];
    update(list, all, () => table([
      { title: 'Name', cell: (p) => h('a', { href: `#/policies/${encodeURIComponent(p.name)}` }, p.name) },
      { title: 'Order', cell: (p) => String(p.order ?? 0) },
      { title: 'Enabled', cell: (p) => (p.enabled === false ? 'no' : 'yes') },
      { title: 'Signals', cell: (p) => (p.signals || []).join(', ') },
      { title: 'Actions', cell: (p) => (p.actions || []).map((a) => a.kind).join(', ') },
      { title: 'Description', cell: (p) => p.description || '' },
    ], all, 'No policies: alerts without channels go to every enabled channel.'));
  };
  await draw();
  view.poll(draw);
}

async function renderEditor(view, name) {
  document.title = `${name || 'New policy'} · Policies · Warden`;
  const existing = name ? (await policies.get(name)).data : null;
  const stored = existing ? { ...existing } : null;
  if (stored) for (const key of ['name', 'created_time', 'updated_time', 'create_time', 'update_time']) delete stored[key];
  const outcome = outcomeArea();
  const topErrors = h('div', { class: 'form-errors', role: 'alert', hidden: true });
  const fields = simpleFields([
    { name: 'name', label: 'Name', required: true, value: name || '' },
    { name: 'policy', label: 'Policy (JSON)', type: 'textarea', rows: 18, required: true,
      value: JSON.stringify(stored || EXAMPLE, null, 2),
      hint: 'match, signals, continue, actions, approval_channels, defense: see the README, “From alert to action”.' },
  ], { idPrefix: 'policy' });
  if (name) fields.controls.get('name').readOnly = true;
  const form = h('form', { class: 'card', id: 'policy-form', novalidate: true }, topErrors, fields.element,
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save')), outcome.element);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = fields.read();
    let policy;
    try {
      policy = JSON.parse(values.policy || '');
    } catch (err) {
      showAllErrors({ policy: `not valid JSON: ${err.message}` }, [fields], topErrors);
      return;
    }
    try {
      const saved = (await policies.put(values.name || '', policy)).data;
      showAllErrors({}, [fields], topErrors);
      if (!name) { view.go(`#/policies/${encodeURIComponent(values.name)}`); return; }
      outcome.ok('Saved.', jsonBlock(saved));
    } catch (err) {
      if (err.errors) showAllErrors(err.errors, [fields], topErrors);
      outcome.error(err);
    }
  });
  const parts = [h('p', {}, h('a', { href: '#/policies' }, '← Policies')), pageHeader(name ? `Policy ${name}` : 'New policy'), form];
  if (existing) {
    parts.push(h('section', { class: 'card' }, h('h2', {}, 'As stored'), jsonBlock(existing)),
      h('div', { class: 'card danger-zone' }, h('h2', {}, 'Delete'), confirmButton('Delete', async () => {
        try { await policies.remove(name); view.go('#/policies'); } catch (err) { outcome.error(err); }
      }, { id: 'delete-policy' })));
  }
  clear(view.main, parts);
}
