// The form generator on every loaded plugin: a widget per field type, required and advanced
// fields, defaults, help, and the server's errors beside the fields they name, all at once.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWarden, launchBrowser, openPage, signIn, screenshot, visit } from './harness.js';

const ALL_TYPES = ['input_text', 'textarea', 'password', 'int_number', 'decimal_number', 'enum', 'selectable',
  'multi_selectable', 'date', 'date_time', 'duration_of_second', 'duration_of_minute', 'duration_of_hour',
  'memory_size_of_byte', 'memory_size_of_kibi', 'memory_size_of_mega', 'file'];
const UNITS = { duration_of_second: 's', duration_of_minute: 'min', duration_of_hour: 'h',
  memory_size_of_byte: 'B', memory_size_of_kibi: 'KiB', memory_size_of_mega: 'MiB' };

let warden;
let browser;
let page;
let plugins;
const typesSeen = new Map();  // type → plugins whose form showed it

before(async () => {
  warden = await startWarden();
  browser = await launchBrowser();
  ({ page } = await openPage(browser));
  await signIn(page, warden);
  plugins = (await warden.api('GET', '/api/plugins')).body.data.filter((p) => p.status === 'loaded');
});

after(async () => {
  await browser?.close();
  await warden?.stop();
});

/** A value the server refuses for this field, or null when the form cannot even express one. */
function badValueFor(field) {
  const validate = field.validate || [];
  const text = ['input_text', 'textarea', 'password'].includes(field.type);
  if (text && validate.includes('url')) return 'not a url';
  if (text && validate.includes('email')) return 'not-an-address';
  if (text && validate.includes('identity_strict')) return 'has spaces!';
  if (text && validate.includes('host_without_port')) return 'no such host:name';
  if (text && validate.includes('absolute_path')) return 'relative/path';
  if (text && validate.includes('http_header_lines')) return 'Host: example.com';
  if (text && validate.includes('none_blank')) return '   ';
  if (text && validate.includes('require')) return '';
  if (field.type === 'int_number') return '1.5';
  if (UNITS[field.type]) return '-5';
  return null;
}

/** Checks the widget of one field in its row; returns the control's selector. */
async function checkWidget(row, field) {
  const control = {
    input_text: field.secret ? 'input[type=password]' : 'input[type=text]',
    textarea: 'textarea',
    password: 'input[type=password]',
    int_number: 'input[type=number][step="1"]',
    decimal_number: 'input[type=number][step="any"]',
    enum: 'select',
    selectable: 'select',
    multi_selectable: 'fieldset.checks',
    date: 'input[type=date]',
    date_time: 'input[type=datetime-local]',
    file: 'textarea',
  }[field.type] || 'input[type=number]';
  const widget = row.locator(`.control ${control}`).first();
  assert.equal(await widget.count(), 1, `${field.name} (${field.type}) has its widget ${control}`);
  if (UNITS[field.type]) assert.equal((await row.locator('.unit').textContent()).trim(), UNITS[field.type]);
  if (field.type === 'file') assert.equal(await row.locator('input[type=file]').count(), 1, 'a file picker beside the text');
  if (field.type === 'date_time') assert.equal(await row.locator('output.iso').count(), 1, 'the ISO form is shown');
  if (field.type === 'enum') {
    const labels = await widget.locator('option').allTextContents();
    for (const option of field.options) assert.ok(labels.includes(option.label), `option ${option.label} of ${field.name}`);
  }
  if (field.type !== 'multi_selectable') {
    const id = await widget.getAttribute('id');
    assert.equal(await row.locator(`label[for="${id}"]`).count(), 1, `${field.name} has a <label for>`);
  }
  const required = (field.validate || []).includes('require');
  assert.equal(await widget.getAttribute('aria-required'), required ? 'true' : null, `${field.name} aria-required`);
  if (required) assert.equal(await row.locator('.required').count(), 1, `${field.name} shows it is required`);
  if (field.advanced) assert.equal(await row.evaluate((el) => Boolean(el.closest('details.advanced'))), true, `${field.name} is folded away`);
  const shownDefault = field.default !== null && field.default !== undefined && !field.secret && ['input_text', 'textarea', 'int_number', 'decimal_number'].includes(field.type);
  if (shownDefault) assert.equal(await widget.inputValue(), String(field.default), `${field.name} starts at its default`);
  return widget;
}

test('every loaded plugin gets its form, one widget per field type, and the server errors beside the fields', async (t) => {
  assert.ok(plugins.length >= 12, `the bundled plugins are loaded (${plugins.map((p) => p.key)})`);
  for (const summary of plugins) {
    const detail = (await warden.api('GET', `/api/plugins/${summary.key}`)).body.data;
    await visit(page, `#/plugins/${summary.key}`);
    await page.waitForSelector(`#check-config .plugin-form[data-plugin="${summary.key}"]`);
    const fields = [...detail.fields].sort((a, b) => a.ordinal - b.ordinal);
    const shownOrder = await page.locator('#check-config .form-field').evaluateAll((rows) => rows.map((r) => r.dataset.field));
    const plainFirst = [...fields.filter((f) => !f.advanced), ...fields.filter((f) => f.advanced)].map((f) => f.name);
    assert.deepEqual(shownOrder, plainFirst, `${summary.key}: fields in ordinal order (advanced ones folded at the end)`);

    const bad = [];
    for (const field of fields) {
      const row = page.locator(`#check-config .form-field[data-field="${field.name}"]`);
      if (field.advanced) await page.locator('#check-config details.advanced').evaluate((d) => { d.open = true; });
      const widget = await checkWidget(row, field);
      if (!typesSeen.has(field.type)) typesSeen.set(field.type, []);
      typesSeen.get(field.type).push(`${summary.key}.${field.name}`);
      const value = badValueFor(field);
      if (value !== null) {
        await widget.fill(value);
        bad.push(field.name);
      }
    }
    await screenshot(page, `plugin-${summary.key}-1280`);
    if (!bad.length) {
      t.diagnostic(`${summary.key}: no field takes a value the server refuses (${fields.map((f) => f.type).join(', ')})`);
      continue;
    }
    await page.click('#check-config button[type=submit]');
    for (const name of bad) {
      const error = page.locator(`#check-config .form-field[data-field="${name}"] .field-error:not([hidden])`);
      await error.waitFor({ state: 'visible' });
      const text = (await error.textContent()).trim();
      assert.ok(text.length > 0, `${summary.key}.${name}: an error beside it`);
      const errorId = await error.getAttribute('id');
      const described = await page.locator(`#check-config .form-field[data-field="${name}"] [aria-invalid=true]`).getAttribute('aria-describedby');
      assert.ok(described.split(' ').includes(errorId), `${summary.key}.${name}: the error is in aria-describedby`);
    }
    await screenshot(page, `plugin-${summary.key}-errors-1280`);
  }
  const missing = ALL_TYPES.filter((type) => !typesSeen.has(type));
  t.diagnostic(`field types shown: ${[...typesSeen.keys()].join(', ')}`);
  assert.deepEqual(missing, [], 'every one of the 17 field types was rendered by some plugin\'s form');
});

test('a password read back as ****** is left empty, marked unchanged, and kept by the server', async () => {
  // An email channel with a stored password, edited through the console without touching it.
  const put = await warden.api('PUT', '/api/channels/mail', { channel: 'email', config: {
    smtpHost: 'mail.example.com', from: 'ops@example.com', to: 'oncall@example.com', password: 'hunter2' } });
  assert.ok([200, 201].includes(put.status), JSON.stringify(put.body));
  await visit(page, '#/channels/mail');
  const password = page.locator('#channel-form .form-field[data-field="password"] input');
  assert.equal(await password.inputValue(), '');
  assert.equal(await password.getAttribute('placeholder'), 'unchanged');
  await page.fill('#channel-form .form-field[data-field="smtpHost"] input', 'smtp.example.com');
  await page.click('#channel-form button[type=submit]');
  await page.waitForSelector('#channel-form .notice-ok');
  const stored = (await warden.api('GET', '/api/channels/mail')).body.data;
  assert.equal(stored.config.smtpHost, 'smtp.example.com');
  assert.equal(stored.config.password, '******', 'a password is still stored');
});

test('help Markdown is rendered by the server and an unsafe link stays text', async (t) => {
  const detail = (await warden.api('GET', '/api/plugins/example')).body.data;
  if (!('overview_html' in detail)) {
    t.skip('GET /api/plugins/{key} has no overview_html yet: the console shows the plain overview');
    return;
  }
  await visit(page, '#/plugins/example');
  const overview = page.locator('#check-config .overview.markdown');
  await overview.waitFor();
  assert.ok(await overview.locator('strong, b').count() >= 1, 'bold text is an element');
  assert.ok(await overview.locator('code').count() >= 1, 'code is an element');
  assert.equal(await page.locator('a[href^="javascript:" i]').count(), 0, 'no javascript: link survives');
  const before = page.url();
  await page.getByText('run a script').click();
  assert.equal(page.url(), before, 'clicking the link text goes nowhere');
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  await screenshot(page, 'plugin-help-markdown-1280');
});

test('good values of every type go to the server in its own forms (dates with seconds and an offset)', async () => {
  const { page: berlin, context } = await openPage(browser, { timezoneId: 'Europe/Berlin' });
  await signIn(berlin, warden);
  await visit(berlin, '#/plugins/form_fields');
  const field = (name, control = 'input') => berlin.locator(`#check-config .form-field[data-field="${name}"] .control ${control}`).first();
  await field('text').fill('hello_1');
  await field('secret').fill('s3cret');
  await field('ratio').fill('2.25');
  await field('flavour', 'select').selectOption({ label: 'Mint' });
  await field('day').fill('2024-05-01');
  await field('at').fill('2024-05-01T08:00:15');
  assert.equal((await berlin.locator('#check-config .form-field[data-field="at"] output.iso').textContent()).trim(), '2024-05-01T08:00:15+02:00');
  await field('wait_min').fill('90');
  await field('size_kib').fill('64');
  await field('certificate', 'textarea').fill('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----');
  await berlin.click('#check-config button[type=submit]');
  const answer = JSON.parse(await berlin.locator('#check-config .outcome pre.json').textContent());
  assert.equal(answer.text, 'hello_1');
  assert.equal(answer.secret, '******', 'the answer masks the secret');
  assert.equal(answer.ratio, 2.25);
  assert.equal(answer.flavour, 'mint');
  assert.equal(answer.day, '2024-05-01');
  assert.equal(answer.at, '2024-05-01T06:00:15Z', 'sent with its offset, normalized to UTC by the server');
  assert.equal(answer.wait_min, 90);
  assert.equal(answer.size_kib, 64);
  assert.equal(answer.size_mib, 64, 'the advanced default was filled');
  assert.match(answer.certificate, /BEGIN CERTIFICATE/);
  await screenshot(berlin, 'plugin-form_fields-valid-1280');
  await context.close();
});
