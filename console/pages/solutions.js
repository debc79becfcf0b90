// Saved solutions (套餐): a solution plugin and its condition, entered through the plugin's form.

import { h, clear, update, badge, table, time, jsonBlock, notice } from '../dom.js';
import { solutions, plugins } from '../api.js';
import { pluginForm, simpleFields, showAllErrors } from '../form.js';
import { pageHeader, confirmButton, outcomeArea } from '../ui.js';

export async function render(view) {
  if (view.params[0]) return renderEditor(view, view.params[0] === 'new' ? null : view.params[0]);
  document.title = 'Solutions · Warden';
  const list = h('div', {});
  clear(view.main, pageHeader('Saved solutions', h('a', { class: 'btn btn-primary', href: '#/solutions/new' }, 'New solution')), list);
  const draw = async () => {
    const all = (await solutions.list()).data || [];
    update(list, all, () => table([
      { title: 'Name', cell: (s) => h('a', { href: `#/solutions/${encodeURIComponent(s.name)}` }, s.name) },
      { title: 'Plugin', cell: (s) => [s.plugin, s.plugin_loaded === false ? [' ', badge('not loaded')] : null] },
      { title: 'Description', cell: (s) => s.description || '' },
      { title: 'Updated', cell: (s) => time(s.updated_time) },
    ], all, 'No saved solutions yet.'));
  };
  await draw();
  view.poll(draw);
}

async function renderEditor(view, name) {
  document.title = `${name || 'New solution'} · Solutions · Warden`;
  const existing = name ? (await solutions.get(name)).data : null;
  const solutionPlugins = ((await plugins.list()).data || []).filter((p) => p.kind === 'solution' && p.status === 'loaded');
  const chosen = view.query.get('plugin') || existing?.plugin || solutionPlugins[0]?.key || '';
  const outcome = outcomeArea();
  const topErrors = h('div', { class: 'form-errors', role: 'alert', hidden: true });
  const basics = simpleFields([
    { name: 'name', label: 'Name', required: true, value: name || '' },
    { name: 'plugin', label: 'Solution plugin', type: 'select', required: true, value: chosen,
      options: solutionPlugins.map((p) => ({ label: `${p.name || p.key} (${p.key})`, value: p.key })),
      onchange: (e) => { if (!name) view.setQuery({ plugin: e.target.value }); } },
    { name: 'description', label: 'Description', value: existing?.description || '' },
  ], { idPrefix: 'solution' });
  if (name) basics.controls.get('name').readOnly = true;
  // A condition stored as a Mustache template (text) cannot be shown field by field.
  const templated = existing && typeof existing.condition === 'string';
  let form = null;
  let conditionBox;
  if (templated) {
    conditionBox = notice('info', 'This condition is a Mustache template; edit it through the API.', jsonBlock(existing.condition));
  } else if (chosen) {
    const plugin = (await plugins.get(chosen)).data;
    form = await pluginForm(plugin, { values: existing && existing.plugin === chosen ? existing.condition || {} : null,
      errorPrefixes: ['condition.'], idPrefix: 'condition' });
    conditionBox = form.element;
  }
  const el = h('form', { class: 'card', id: 'solution-form', novalidate: true }, topErrors, basics.element,
    h('fieldset', { class: 'group' }, h('legend', {}, 'Condition'), conditionBox),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'btn btn-primary', disabled: templated }, 'Save')), outcome.element);
  el.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = basics.read();
    try {
      await solutions.put(values.name || '', { plugin: values.plugin, description: values.description || '', condition: form ? form.read() : {} });
      showAllErrors({}, [basics, form], topErrors);
      if (!name) { view.go(`#/solutions/${encodeURIComponent(values.name)}`); return; }
      outcome.ok('Saved.');
    } catch (err) {
      if (err.errors) showAllErrors(err.errors, [form, basics], topErrors);
      outcome.error(err);
    }
  });
  const parts = [h('p', {}, h('a', { href: '#/solutions' }, '← Solutions')), pageHeader(name ? `Solution ${name}` : 'New solution'), el];
  if (existing) parts.push(h('div', { class: 'card danger-zone' }, h('h2', {}, 'Delete'), confirmButton('Delete', async () => {
    try { await solutions.remove(name); view.go('#/solutions'); } catch (err) { outcome.error(err); }
  }, { id: 'delete-solution' })));
  clear(view.main, parts);
}
