// An http_callback channel made through the console, tested against a real local receiver, and
// its template previewed on the sample alert.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startWarden, launchBrowser, openPage, signIn, screenshot, visit, eventually } from './harness.js';

let warden;
let browser;
let receiver;
const received = [];

before(async () => {
  receiver = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => { body += chunk; });
    request.on('end', () => {
      received.push({ method: request.method, url: request.url, headers: request.headers, body });
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end('{"errcode":0,"errmsg":"ok","received":true}');
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  warden = await startWarden();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await warden?.stop();
  receiver?.close();
});

const hookUrl = () => `http://127.0.0.1:${receiver.address().port}/hook`;

test('an http_callback channel is made through the form, refused fields are shown, and Test reaches the receiver', async () => {
  const { page, report } = await openPage(browser);
  await signIn(page, warden);
  await visit(page, '#/channels');
  await page.click('a:text("New channel")');
  await page.waitForSelector('#channel-form');
  await page.fill('#channel-name', 'ops-hook');
  await page.selectOption('#channel-channel', 'http_callback');
  await page.waitForSelector('#channel-form .plugin-form[data-plugin="http_callback"]');

  // First a URL the server refuses: its message appears beside the field.
  await page.fill('#config-url', 'ftp://nowhere');
  await page.click('#channel-form button[type=submit]');
  const urlError = page.locator('#channel-form .form-field[data-field="url"] .field-error');
  await urlError.waitFor({ state: 'visible' });
  assert.ok((await urlError.textContent()).length > 0);
  await screenshot(page, 'channel-new-errors-1280');

  await page.fill('#config-url', hookUrl());
  await page.click('#channel-form summary:text("Delivery settings")');
  await page.fill('#delivery-attempts', '2');
  await page.click('#channel-form button[type=submit]');
  await page.waitForSelector('#test-channel');
  assert.match(page.url(), /#\/channels\/ops-hook$/);
  const stored = (await warden.api('GET', '/api/channels/ops-hook')).body.data;
  assert.equal(stored.config.url, hookUrl());
  assert.equal(stored.delivery.attempts, 2);

  await page.click('#test-channel');
  await eventually(() => received.some((r) => r.url === '/hook'), { timeout: 30_000, what: 'the receiver to get the test alert' });
  const result = page.locator('.test-result');
  await result.locator('.notice-ok').waitFor();
  const text = await result.textContent();
  assert.match(text, /Delivered/);
  assert.match(text, /200/);
  assert.match(text, /received/, 'the vendor\'s answer is shown');
  await screenshot(page, 'channel-test-1280');
  assert.deepEqual(report.pageErrors, []);
});

test('Preview renders the channel template on the sample alert', async () => {
  const { page } = await openPage(browser);
  await signIn(page, warden);
  await visit(page, '#/channels/ops-hook');
  await page.waitForSelector('#channel-form .plugin-form[data-plugin="http_callback"]');
  await page.click('#channel-form summary:text("Advanced settings")');
  await page.fill('#config-alertTpl', 'ALERT {{title}} from {{source}}');
  await page.click('#preview-channel');
  const rendered = page.locator('#preview-rendered');
  await rendered.waitFor();
  assert.match(await rendered.textContent(), /^ALERT .+ from /);
  await screenshot(page, 'channel-preview-1280');
});

test('a channel is deleted from its page', async () => {
  const { page } = await openPage(browser);
  await signIn(page, warden);
  await visit(page, '#/channels/ops-hook');
  await page.click('#delete-channel');
  await page.click('#delete-channel');  // "Really delete?"
  await page.waitForSelector('h1:text("Alert channels")');
  assert.equal((await warden.api('GET', '/api/channels/ops-hook')).status, 404);
});
