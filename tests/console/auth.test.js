// Signing in and out, and the Content Security Policy holding against injected script.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWarden, launchBrowser, openPage, signIn, screenshot, visit, eventually } from './harness.js';

let warden;
let browser;

before(async () => {
  warden = await startWarden();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await warden?.stop();
});

test('the console is served at / with its CSP and a lean first load', async () => {
  const response = await fetch(`${warden.url}/`);
  assert.equal(response.status, 200);
  const csp = response.headers.get('content-security-policy') || '';
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  const { page, context } = await openPage(browser);
  let bytes = 0;
  page.on('response', async (r) => {
    if (r.url().startsWith(warden.url) && !r.url().includes('/api/')) bytes += (await r.body().catch(() => Buffer.alloc(0))).length;
  });
  await page.goto(`${warden.url}/`);
  await page.waitForSelector('#signin-form');
  await page.waitForLoadState('networkidle');
  assert.ok(bytes > 0 && bytes < 150 * 1024, `first load moved ${bytes} bytes; the budget is 150 KB`);
  await context.close();
});

test('a wrong token is refused and the right one signs in', async () => {
  const { page, context, report } = await openPage(browser);
  await page.goto(`${warden.url}/`);
  await page.waitForSelector('#signin-form');
  assert.equal(await page.getAttribute('#token', 'type'), 'password');
  assert.equal(await page.isHidden('#nav'), true, 'the menu waits for sign-in');
  await screenshot(page, 'signin-1280');
  await page.fill('#token', 'not-the-token');
  await page.click('#signin-form button[type=submit]');
  await page.waitForSelector('#signin-form .notice-error');
  await signIn(page, warden);
  await page.waitForSelector('h1:text("Status")');
  assert.deepEqual(report.pageErrors, []);
  await context.close();
});

test('the CSP blocks an injected inline script, and server data never becomes markup', async () => {
  const { page, context, report } = await openPage(browser);
  await signIn(page, warden);

  // Straight into the DOM: the script element is inserted but never runs.
  await page.evaluate(() => {
    const holder = document.createElement('div');
    holder.innerHTML = '<img src="x" onerror="window.__pwned=2">';
    document.body.append(holder);
    const script = document.createElement('script');
    script.textContent = 'window.__pwned = 1';
    document.body.append(script);
  });
  await eventually(() => report.cspViolations.length >= 2, { what: 'the securitypolicyviolation events' });
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.ok(report.cspViolations.some((v) => v.startsWith('script-src')), report.cspViolations.join('\n'));
  assert.ok(report.consoleErrors.some((line) => /Content Security Policy/i.test(line)), 'the console names the CSP');

  // Through server data: a task whose condition and message carry markup.
  const payload = '<script>window.__pwned=3</script><img src=x onerror="window.__pwned=4"><b id="injected">x</b>';
  const created = await warden.api('POST', '/api/create_task', { data: { service: 'test', condition: { message: payload } } });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  await visit(page, `#/tasks/${created.body.task_id}`);
  await page.waitForSelector('#update-condition');
  await visit(page, '#/tasks?service=test');
  await page.waitForSelector(`a:text("${created.body.task_id}")`);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.locator('main #injected, main script').count(), 0, 'server text stayed text');
  await context.close();
});

test('signing out ends the session on the server', async () => {
  const { page, context } = await openPage(browser, { width: 400 });
  await signIn(page, warden);
  const cookies = await context.cookies(warden.url);
  const session = cookies.find((c) => c.name === 'warden_session');
  assert.ok(session, 'the sign-in set the session cookie');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Strict');
  assert.equal(await page.evaluate(() => document.cookie.includes('warden_session')), false, 'scripts cannot read it');

  await page.click('#sign-out');
  await page.waitForSelector('#signin-form');
  assert.equal(await page.isHidden('#nav'), true);

  const fromPage = await page.evaluate(async () => (await fetch('/api/plugins', { headers: { 'X-Warden-Console': '1' }, credentials: 'same-origin' })).status);
  assert.equal(fromPage, 401);
  const withOldCookie = await fetch(`${warden.url}/api/plugins`, { headers: { Cookie: `warden_session=${session.value}`, 'X-Warden-Console': '1' } });
  assert.equal(withOldCookie.status, 401, 'the old cookie no longer opens anything');

  // Any page asked for now shows the sign-in form.
  await page.goto(`${warden.url}/#/tasks`);
  await page.waitForSelector('#signin-form');
  await screenshot(page, 'signed-out-400');
  await context.close();
});
