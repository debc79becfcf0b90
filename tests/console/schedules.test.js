// A schedule and a saved solution made through their forms: the due times previewed before saving,
// the action's params and the solution's condition entered through the form generator.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWarden, launchBrowser, openPage, signIn, screenshot, visit } from './harness.js';

let warden;
let browser;
let page;

before(async () => {
  warden = await startWarden();
  browser = await launchBrowser();
  ({ page } = await openPage(browser));
  await signIn(page, warden);
});

after(async () => {
  await browser?.close();
  await warden?.stop();
});

test('a schedule is previewed, refused field by field, saved and deleted', async () => {
  await visit(page, '#/schedules/new');
  await page.fill('#schedule-name', 'beat');
  await page.selectOption('#schedule-action', 'example');
  await page.waitForSelector('#schedule-form .plugin-form[data-plugin="example"]');
  await page.selectOption('#schedule-timer_type', 'cron');
  await page.fill('#schedule-defined', '*/5 * * * *');
  await page.fill('#schedule-time_zone', 'Europe/Berlin');
  await page.click('#preview-schedule');
  await page.locator('#schedule-form .due-times li').first().waitFor();
  assert.equal(await page.locator('#schedule-form .due-times li').count(), 5);
  assert.equal((await warden.api('GET', '/api/schedules')).body.data.length, 0, 'a preview saves nothing');

  await page.fill('#schedule-params-label', 'not valid!');
  await page.click('#schedule-form button[type=submit]');
  await page.locator('#schedule-form .form-field[data-field="label"] .field-error').waitFor({ state: 'visible' });
  await screenshot(page, 'schedule-new-errors-1280');

  await page.fill('#schedule-params-label', 'beat');
  await page.click('#schedule-form button[type=submit]');
  await page.waitForURL(/#\/schedules\/beat$/);
  const stored = (await warden.api('GET', '/api/schedules/beat')).body.data;
  assert.equal(stored.defined, '*/5 * * * *');
  assert.equal(stored.params.label, 'beat');

  await visit(page, '#/schedules');
  await page.locator('a:text("beat")').waitFor();
  await visit(page, '#/schedules/beat');
  await page.click('#delete-schedule');
  await page.click('#delete-schedule');
  await page.waitForURL(/#\/schedules$/);
  assert.equal((await warden.api('GET', '/api/schedules/beat')).status, 404);
});

test('a saved solution is made through its plugin form', async () => {
  await visit(page, '#/solutions/new?plugin=webhook');
  await page.fill('#solution-name', 'clean-disk');
  await page.waitForSelector('#solution-form .plugin-form[data-plugin="webhook"]');
  await page.fill('#condition-url', 'not a url');
  await page.click('#solution-form button[type=submit]');
  await page.locator('#solution-form .form-field[data-field="url"] .field-error').waitFor({ state: 'visible' });
  await page.fill('#condition-url', 'http://127.0.0.1:9/clean');
  await page.click('#solution-form button[type=submit]');
  await page.waitForURL(/#\/solutions\/clean-disk$/);
  const stored = (await warden.api('GET', '/api/solutions/clean-disk')).body.data;
  assert.equal(stored.plugin, 'webhook');
  assert.equal(stored.condition.url, 'http://127.0.0.1:9/clean');
});
