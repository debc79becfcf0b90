// Every page at 1280 px and 400 px: it draws, every control has a label, the menu folds on a
// narrow screen and works by keyboard, and a screenshot of each is kept.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startWarden, launchBrowser, openPage, signIn, screenshot, visit, eventually } from './harness.js';

let warden;
let browser;
let receiver;
const ids = {};

async function ok(call) {
  const answer = await call;
  assert.ok(answer.status < 300, `${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

before(async () => {
  receiver = http.createServer((request, response) => { request.resume(); request.on('end', () => response.end('ok')); });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  warden = await startWarden();
  browser = await launchBrowser();
  // Something on every page.
  const hook = `http://127.0.0.1:${receiver.address().port}/hook`;
  await ok(warden.api('PUT', '/api/channels/ops', { channel: 'http_callback', config: { url: hook } }));
  await ok(warden.api('PUT', '/api/solutions/say-hello', { plugin: 'test', description: 'a saved solution', condition: { message: 'hello' } }));
  await ok(warden.api('PUT', '/api/policies/disk-full', {
    match: [{ field: 'labels.alertname', op: 'eq', value: 'DiskFull' }], signals: ['abnormal'],
    actions: [{ kind: 'notice', channels: ['ops'], mode: 'once' }, { kind: 'solution', solution: 'say-hello', approval: true }] }));
  await ok(warden.api('POST', '/api/alerts', { alert: { title: 'Disk full', source: 'db1', status: 'firing', labels: { alertname: 'DiskFull' } } }));
  await ok(warden.api('POST', '/api/alerts', { channels: ['ops'], alert: { title: 'Direct alert', source: 'web1', status: 'firing' } }));
  await ok(warden.api('POST', '/api/schedules', { name: 'heartbeat', action: 'example', timer_type: 'time_cycle', defined: 'R/PT1H', params: { label: 'beat' } }));
  await ok(warden.api('POST', '/api/circuit_breaking/rules', { description: 'maintenance', conditions: [{ key: 'source', value: ['db9'] }] }));
  ids.task = (await ok(warden.api('POST', '/api/create_task', { data: { service: 'test', condition: { message: 'hi' } } }))).task_id;
  const records = await eventually(async () => {
    const list = (await warden.api('GET', '/api/alerts')).body.data.items;
    return list.length >= 1 && list;
  }, { what: 'an alert record' });
  ids.alert = records[0].id;
  ids.action = (await eventually(async () => (await warden.api('GET', '/api/actions')).body.data.items[0], { what: 'an action' })).id;
  ids.notice = (await eventually(async () => (await warden.api('GET', '/api/notifications')).body.data[0], { what: 'a notice' })).notice_id;
});

after(async () => {
  await browser?.close();
  await warden?.stop();
  receiver?.close();
});

const PAGES = () => [
  ['status', '#/status'], ['plugins', '#/plugins'], ['plugin-detail', '#/plugins/flink_jobs_monitor'],
  ['tasks', '#/tasks'], ['task-new', '#/tasks/new?service=webhook'], ['task-detail', `#/tasks/${ids.task}`],
  ['schedules', '#/schedules'], ['schedule-new', '#/schedules/new'], ['schedule-detail', '#/schedules/heartbeat'],
  ['channels', '#/channels'], ['channel-new', '#/channels/new'], ['channel-detail', '#/channels/ops'],
  ['alerts', '#/alerts'], ['alert-detail', `#/alerts/${encodeURIComponent(ids.alert)}`],
  ['notifications', '#/notifications'], ['notification-detail', `#/notifications/${ids.notice}`],
  ['actions', '#/actions'], ['action-detail', `#/actions/${ids.action}`],
  ['policies', '#/policies'], ['policy-edit', '#/policies/disk-full'],
  ['solutions', '#/solutions'], ['solution-edit', '#/solutions/say-hello'], ['solution-new', '#/solutions/new'],
  ['circuit-breaking', '#/circuit-breaking'],
];

/** Controls without a label a screen reader can read. */
function unlabelled(page) {
  return page.evaluate(() => [...document.querySelectorAll('main input, main select, main textarea')]
    .filter((el) => !(el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)) &&
      !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
    .map((el) => el.outerHTML.slice(0, 120)));
}

for (const width of [1280, 400]) {
  test(`every page draws at ${width} px with labelled controls`, async () => {
    const { page, report } = await openPage(browser, { width });
    await signIn(page, warden);
    for (const [name, hash] of PAGES()) {
      await visit(page, hash);
      await page.waitForSelector('main h1');
      assert.equal(await page.locator('main .notice-error').count(), 0, `${name}: ${await page.locator('main').textContent()}`);
      assert.deepEqual(await unlabelled(page), [], `${name}: every control has a label`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `${name} fits ${width} px (overflows by ${overflow})`);
      await screenshot(page, `${name}-${width}`);
    }
    assert.deepEqual(report.pageErrors, []);
    assert.deepEqual(report.cspViolations, [], 'the console itself never trips its CSP');
  });
}

test('at 400 px the menu folds behind a button that works by keyboard', async () => {
  const { page } = await openPage(browser, { width: 400 });
  await signIn(page, warden);
  assert.equal(await page.isVisible('#nav'), false);
  await page.focus('#nav-toggle');
  await page.keyboard.press('Enter');
  assert.equal(await page.getAttribute('#nav-toggle', 'aria-expanded'), 'true');
  await page.locator('#nav a:text("Alerts")').waitFor({ state: 'visible' });
  await screenshot(page, 'menu-open-400');
  await page.locator('#nav a:text("Alerts")').focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector('h1:text("Alerts")');
  assert.equal(await page.isVisible('#nav'), false, 'the menu folds again after a choice');
});

test('filters live in the URL and survive a reload', async () => {
  const { page } = await openPage(browser);
  await signIn(page, warden);
  await visit(page, '#/notifications');
  await page.selectOption('select[name=status]', 'sent');
  await page.waitForURL(/#\/notifications\?status=sent/);
  await page.fill('input[name=channel]', 'ops');
  await page.press('input[name=channel]', 'Enter');
  await page.waitForURL(/channel=ops/);
  await page.reload();
  await page.waitForSelector('h1:text("Notifications")');
  assert.equal(await page.inputValue('input[name=channel]'), 'ops');
  assert.equal(await page.inputValue('select[name=status]'), 'sent');
});

test('keyboard alone reaches the menu and a page control, with a visible focus ring', async () => {
  const { page } = await openPage(browser);
  await signIn(page, warden);
  await visit(page, '#/plugins');
  await page.reload();  // a fresh document: Tab starts from the top
  await page.waitForFunction(() => document.body.dataset.rendered === '#/plugins');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none', 'focus is visible');
  let reached = false;
  for (let i = 0; i < 40 && !reached; i += 1) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement.id === 'reload-plugins');
  }
  assert.ok(reached, 'Tab reaches the Reload button');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.outcome .notice-ok');
  await screenshot(page, 'plugins-reloaded-1280');
});
