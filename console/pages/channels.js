// Alert channel instances: list, create/edit through the plugin's form, test, preview, delete.

import { h, clear, update, badge, table, time, facts, notice } from '../dom.js';
import { channels, plugins } from '../api.js';
import { pluginForm, simpleFields, showAllErrors } from '../form.js';
import { pageHeader, button, confirmButton, outcomeArea } from '../ui.js';

const DELIVERY = [
  ['attempts', 'Attempts', 'Tries in all before a notice fails (1–20; default 3).'],
  ['backoff', 'Backoff (s)', 'Delay before the first retry, doubling each retry (default 1).'],
  ['max_backoff', 'Max backoff (s)', 'Cap of a retry delay (default 60).'],
  ['timeout', 'Timeout (s)', 'One request to the vendor (default 10).'],
  ['dedupe_window', 'Dedupe window (s)', '0: off; else alerts with one dedupe key inside it become one notice.'],
  ['concurrency', 'Concurrency', 'Deliveries in flight at once (default 4).'],
];

export async function render(view) {
  const name = view.params[0];
  if (name === 'new') return renderEditor(view, null);
  if (name) return renderEditor(view, name);
  document.title = 'Channels · Warden';
  const list = h('div', {});
  clear(view.main, pageHeader('Alert channels', h('a', { class: 'btn btn-primary', href: '#/channels/new' }, 'New channel')), list);
  const draw = async () => {
    const all = (await channels.list()).data || [];
    update(list, all, () => table([
      { title: 'Name', cell: (c) => h('a', { href: `#/channels/${encodeURIComponent(c.name)}` }, c.name) },
      { title: 'Plugin', cell: (c) => [c.channel, c.plugin_loaded === false ? [' ', badge('not loaded')] : null] },
      { title: 'Enabled', cell: (c) => (c.enabled ? 'yes' : 'no') },
      { title: 'Updated', cell: (c) => time(c.update_time) },
    ], all, 'No channel instances yet.'));
  };
  await draw();
  view.poll(draw);
}

async function renderEditor(view, name) {
  document.title = `${name || 'New channel'} · Channels · Warden`;
  const existing = name ? (await channels.get(name)).data : null;
  const channelPlugins = ((await plugins.list()).data || []).filter((p) => p.kind === 'alert_channel');
  const outcome = outcomeArea();
  const topErrors = h('div', { class: 'form-errors', role: 'alert', hidden: true });
  const configBox = h('div', {});
  let configForm = null;

  const basics = simpleFields([
    { name: 'name', label: 'Name', required: true, value: existing?.name || '', hint: 'Letters, digits, - and _.' },
    { name: 'channel', label: 'Plugin', type: 'select', required: true, value: existing?.channel || channelPlugins[0]?.key,
      options: channelPlugins.map((p) => ({ label: `${p.name || p.key} (${p.key})`, value: p.key })),
      onchange: () => loadConfigForm() },
    { name: 'enabled', label: 'Enabled', type: 'checkbox', value: existing ? existing.enabled : true },
  ], { idPrefix: 'channel' });
  if (existing) basics.controls.get('name').readOnly = true;
  const delivery = simpleFields(DELIVERY.map(([key, label, hint]) => ({
    name: key, label, hint, type: 'number', min: '0', value: existing?.delivery?.[key] ?? '',
  })), { idPrefix: 'delivery', errorPrefixes: ['delivery.'] });

  async function loadConfigForm() {
    const key = basics.controls.get('channel').value;
    if (!key) { clear(configBox); configForm = null; return; }
    const plugin = (await plugins.get(key)).data;
    const sameChannel = existing && existing.channel === key;
    configForm = await pluginForm(plugin, { values: sameChannel ? existing.config || {} : null,
      errorPrefixes: ['config.'], idPrefix: 'config' });
    clear(configBox, configForm.element);
  }
  await loadConfigForm();

  const body = () => ({
    channel: basics.controls.get('channel').value,
    enabled: basics.controls.get('enabled').checked,
    config: configForm ? configForm.read() : {},
    delivery: delivery.read(),
  });

  const save = async (event) => {
    event.preventDefault();
    const channelName = basics.controls.get('name').value.trim();
    try {
      const answer = await channels.put(channelName, body());
      showAllErrors({}, [basics, configForm, delivery], topErrors);
      if (!name) { view.go(`#/channels/${encodeURIComponent(channelName)}`); return; }
      outcome.ok(h('p', {}, `Saved channel “${answer.data?.name || channelName}”.`));
    } catch (err) {
      if (err.errors) {
        showAllErrors(err.errors, [basics, configForm, delivery], topErrors);
        outcome.show(h('p', { class: 'error-text', role: 'alert' }, err.message));
      } else {
        outcome.error(err);
      }
    }
  };

  const previewOut = h('div', { class: 'preview', 'aria-live': 'polite' });
  const preview = button('Preview template', async () => {
    try {
      const data = (await channels.preview(basics.controls.get('channel').value, configForm ? configForm.read() : {}, existing?.name)).data || {};
      clear(previewOut, h('h3', {}, 'Rendered on a sample alert'),
        data.error ? notice('error', `Template error: ${data.error}`) : null,
        h('pre', { class: 'rendered', id: 'preview-rendered' }, data.rendered ?? ''));
    } catch (err) {
      if (err.errors) showAllErrors(err.errors, [basics, configForm, delivery], topErrors);
      clear(previewOut, notice('error', err.message));
    }
  }, { id: 'preview-channel' });

  const form = h('form', { class: 'card', id: 'channel-form', novalidate: true },
    h('h2', {}, existing ? `Edit ${existing.name}` : 'New channel'),
    topErrors, basics.element,
    h('fieldset', { class: 'group' }, h('legend', {}, 'Configuration'), configBox),
    h('details', { class: 'advanced' }, h('summary', {}, 'Delivery settings'), delivery.element),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'btn btn-primary' }, existing ? 'Save' : 'Create'), preview),
    outcome.element, previewOut);
  form.addEventListener('submit', save);

  const parts = [h('p', {}, h('a', { href: '#/channels' }, '← Channels')), pageHeader(existing ? `Channel ${existing.name}` : 'New channel'), form];
  if (existing) parts.push(testCard(existing.name), h('div', { class: 'card danger-zone' },
    h('h2', {}, 'Delete'),
    confirmButton('Delete', async () => {
      try { await channels.remove(existing.name); view.go('#/channels'); } catch (err) { outcome.error(err); }
    }, { id: 'delete-channel' })));
  clear(view.main, parts);
}

function testCard(name) {
  const result = h('div', { class: 'test-result', 'aria-live': 'polite' });
  const show = (data, ok, message) => clear(result,
    notice(ok ? 'ok' : 'error', ok ? 'Delivered.' : message || 'Not delivered.'),
    facts([
      ['Delivered', data.delivered ? 'yes' : 'no'],
      ['HTTP status', data.http_status ?? '—'],
      ['Vendor answer', h('pre', { class: 'detail' }, data.detail || '—')],
      ['Template error', data.template_error || '—'],
      ['Notice', data.notice_id ? h('a', { href: `#/notifications/${encodeURIComponent(data.notice_id)}` }, data.notice_id) : '—'],
    ]));
  return h('section', { class: 'card' }, h('h2', {}, 'Test'),
    h('p', { class: 'muted' }, 'Sends a sample alert through this channel now and shows what the vendor answered.'),
    button('Send test alert', async () => {
      clear(result, h('p', { class: 'muted' }, 'Sending…'));
      try {
        const answer = await channels.test(name);
        show(answer.data || {}, true);
      } catch (err) {
        if (err.body?.data) show(err.body.data, false, err.message);
        else clear(result, notice('error', err.message));
      }
    }, { kind: 'primary', id: 'test-channel' }), result);
}
