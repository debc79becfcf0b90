// A task started from a solution's form is seen to finish in the list without a reload; its detail
// page re-runs it and manages its timer events with previewed due times.

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

let taskId;

test('a sleep task made through its form reaches finished in the list without a reload', async () => {
  await visit(page, '#/tasks');
  await page.click('a:text("New task")');
  await page.waitForSelector('#new-task-form');
  await page.selectOption('#task-service', 'sleep');
  await page.waitForSelector('#new-task-form .plugin-form[data-plugin="sleep"]');
  // A bad value first: the error sits beside the field.
  await page.fill('#condition-seconds', '-1');
  await page.click('#new-task-form button[type=submit]');
  await page.locator('#new-task-form .form-field[data-field="seconds"] .field-error').waitFor({ state: 'visible' });
  await page.fill('#condition-seconds', '3');
  await page.click('#new-task-form button[type=submit]');
  await page.waitForURL(/#\/tasks\/ts_sleep_/);
  taskId = decodeURIComponent(page.url().split('#/tasks/')[1]);

  await page.evaluate(() => { window.__sameDocument = true; });
  await page.click('#nav a:text("Tasks")');
  await page.selectOption('select[name=service]', 'sleep');
  await page.waitForURL(/service=sleep/);
  const status = page.locator(`.task-status[data-task="${taskId}"]`);
  await status.waitFor();
  await screenshot(page, 'tasks-running-1280');
  await page.waitForFunction((id) => document.querySelector(`.task-status[data-task="${id}"]`)?.textContent.includes('finished'),
    taskId, { timeout: 60_000, polling: 200 });
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the list updated itself: no reload');
  assert.match(page.url(), /status=|service=sleep/);
  await screenshot(page, 'tasks-finished-1280');
});

test('the task detail shows the result, re-runs the task and adds and deletes a previewed timer event', async () => {
  await visit(page, `#/tasks/${encodeURIComponent(taskId)}`);
  await page.waitForSelector('#task-status');
  assert.match(await page.textContent('#task-status'), /finished/);
  assert.equal(await page.textContent('#task-step'), 'wake'); // sleep waits, then ends in its step wake
  assert.equal(await page.inputValue('#update-seconds'), '3');

  // A timer event: the preview shows the next due times before anything is saved.
  await page.selectOption('#event-action', 'forced_fail');
  await page.selectOption('#event-timer_type', 'time_cycle');
  await page.fill('#event-defined', 'R3/PT10M');
  await page.click('#preview-event');
  await page.locator('#add-timer-event .due-times li').first().waitFor();
  assert.equal(await page.locator('#add-timer-event .due-times li').count(), 3);
  assert.equal((await warden.api('GET', `/api/timer_events?node_id=${taskId}`)).body.data.length, 0, 'nothing saved by a preview');
  await page.fill('#event-defined', 'R0/PT10M');
  await page.click('#preview-event');
  await page.locator('#add-timer-event .form-field[data-field="defined"] .field-error').waitFor({ state: 'visible' });
  await page.fill('#event-defined', 'PT10M');
  await page.selectOption('#event-timer_type', 'time_duration');
  await page.click('#add-timer-event button[type=submit]');
  await page.locator('#timer-events td:text("forced_fail")').waitFor();
  await screenshot(page, 'task-detail-1280');
  const events = (await warden.api('GET', `/api/timer_events?node_id=${taskId}`)).body.data;
  assert.equal(events.length, 1);
  assert.equal(events[0].defined, 'PT10M');
  const remove = page.locator(`button[aria-label="Delete timer event ${events[0].id}"]`);
  await remove.click();
  await remove.click();  // "Really delete?"
  await page.locator('#timer-events .badge-cancelled').waitFor();

  // Re-run: the task is queued again (a new start time) and finishes again, seen without a reload.
  const firstStart = await page.getAttribute('#task-started time', 'datetime');
  await page.click('#rerun-task');
  await page.locator('.outcome .notice-ok:text("Queued again.")').waitFor();
  await page.waitForFunction((first) => {
    const started = document.querySelector('#task-started time')?.getAttribute('datetime');
    return started && started !== first && /finished/.test(document.querySelector('#task-status')?.textContent || '');
  }, firstStart, { timeout: 60_000, polling: 200 });
  const result = (await warden.api('POST', '/api/result_task', { data: { task_id: taskId } })).body;
  assert.equal(result.status, 'finished');
});
