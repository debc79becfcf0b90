// Plugins: the list grouped by `group`, the reload report, and each plugin's form (check_config).

import { h, clear, badge, facts, jsonBlock } from '../dom.js';
import { plugins } from '../api.js';
import { pluginForm } from '../form.js';
import { pageHeader, button, outcomeArea } from '../ui.js';

// Plugins without a `group` of their own are grouped by kind.
const KIND_GROUPS = { solution: 'Solutions', alert_channel: 'Alert channels', timer_action: 'Timer actions' };

export async function render(view) {
  if (view.params[0]) return renderDetail(view, view.params[0]);
  document.title = 'Plugins · Warden';
  const report = outcomeArea();
  const list = h('div', {});
  const reload = button('Reload plugins', async () => {
    try {
      const answer = await plugins.reload();
      const data = answer.data || answer;
      report.ok(h('p', {}, 'Reloaded.'), facts(['added', 'changed', 'removed', 'unchanged', 'failed']
        .map((k) => [k, (data[k] || []).join(', ') || '—'])));
      await draw();
    } catch (err) {
      report.error(err);
    }
  }, { kind: 'primary', id: 'reload-plugins' });
  clear(view.main, pageHeader('Plugins', reload), report.element, list);

  async function draw() {
    const all = (await plugins.list()).data || [];
    const groups = new Map();
    for (const p of all) {
      const group = p.group || KIND_GROUPS[p.kind] || 'Other';
      if (!groups.has(group)) groups.set(group, []);
      groups.get(group).push(p);
    }
    const names = [...groups.keys()].sort((a, b) => (a === 'Other') - (b === 'Other') || a.localeCompare(b));
    clear(list, names.map((group) => h('section', { class: 'plugin-group' },
      h('h2', {}, group),
      h('ul', { class: 'cards' }, groups.get(group).map((p) => h('li', { class: 'card plugin', 'data-key': p.key },
        h('h3', {}, h('a', { href: `#/plugins/${encodeURIComponent(p.key)}` }, p.name || p.key)),
        h('p', { class: 'meta' }, badge(p.status), ' ', h('code', {}, p.key), ' · ', p.kind || '?',
          p.version ? ` · v${p.version}` : '', p.isolation ? ` · ${p.isolation}` : ''),
        p.description ? h('p', {}, p.description) : null,
        p.errors?.length ? h('ul', { class: 'errors' }, p.errors.map((e) => h('li', {}, e))) : null))))));
  }
  await draw();
}

async function renderDetail(view, key) {
  const plugin = (await plugins.get(key)).data;
  document.title = `${plugin.name || key} · Plugins · Warden`;
  const outcome = outcomeArea();
  const parts = [
    h('p', {}, h('a', { href: '#/plugins' }, '← Plugins')),
    pageHeader(plugin.name || key),
    h('p', { class: 'meta' }, badge(plugin.status), ' ', h('code', {}, plugin.key), ' · ', plugin.kind || '?',
      plugin.version ? ` · v${plugin.version}` : '', plugin.isolation ? ` · ${plugin.isolation}` : ''),
    plugin.description ? h('p', {}, plugin.description) : null,
    plugin.errors?.length ? h('section', { class: 'card' }, h('h2', {}, 'Problems'),
      h('ul', { class: 'errors' }, plugin.errors.map((e) => h('li', {}, e)))) : null,
  ];
  if (plugin.fields) {
    const form = await pluginForm(plugin, { idPrefix: 'cfg' });
    const check = h('form', { class: 'card', id: 'check-config', novalidate: true },
      h('h2', {}, 'Try a configuration'),
      h('p', { class: 'muted' }, 'Checks the values against the manifest as the host would (nothing is saved).'),
      form.element,
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Check configuration')),
      outcome.element);
    check.addEventListener('submit', async (event) => {
      event.preventDefault();
      form.clearErrors();
      try {
        const answer = await plugins.checkConfig(key, form.read());
        outcome.ok(h('p', {}, 'Valid. The host would store:'), jsonBlock(answer.data ?? answer.config ?? answer));
      } catch (err) {
        if (err.errors) {
          form.showErrors(err.errors);
          outcome.show(h('p', { class: 'error-text', role: 'alert' }, err.message));
        } else {
          outcome.error(err);
        }
      }
    });
    parts.push(check);
  }
  clear(view.main, parts);
}
