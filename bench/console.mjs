#!/usr/bin/env node
// The console's figures (issue 18): what the browser transfers on a first load, and how long the
// tasks page takes to be usable with 10,000 tasks stored. Drives the real `warden` (build/) and
// Debian's chromium with playwright-core from tests/console/ (run tests/console/run.sh once first,
// or `npm ci --prefix tests/console --ignore-scripts`).
//
//   node bench/console.mjs            # RUNS=7 TASKS=10000; WARDEN_BIN as for the tests
//
// "Transfer" is every response body as received (uncompressed: warden does not compress), the
// console's files and its API calls apart. "Interactive" is measured in the page: from the start of
// navigation (performance.now() is 0 there) to the moment the tasks table holds its first page of
// rows and the route is drawn (body[data-rendered]), with the session already signed in; the
// median of RUNS fresh loads (a new browser context each: nothing cached).
import { startWarden, launchBrowser, signIn } from '../tests/console/harness.js';

const RUNS = Number(process.env.RUNS || 7);
const TASKS = Number(process.env.TASKS || 10_000);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (bytes) => (bytes / 1024).toFixed(1);

async function storeTasks(warden, count) {
  let made = 0;
  const one = async () => {
    while (made < count) {
      made += 1;
      const r = await warden.api('POST', '/api/create_task',
        { data: { service: 'sleep', condition: { seconds: 1 }, start: false } });
      if (r.status !== 200) throw new Error(`create_task: ${r.status} ${JSON.stringify(r.body)}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, one));
}

/** Loads `hash` in a fresh context; returns bytes by kind and the in-page time to drawn rows. */
async function load(browser, warden, hash, { signedIn }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  if (signedIn) {
    await signIn(page, warden);  // sets the cookie in this context; the load below is fresh
    await page.goto('about:blank');
  }
  const bytes = { files: 0, api: 0, requests: 0 };
  const pending = [];
  page.on('response', (response) => {
    pending.push(response.body().then((body) => {
      bytes.requests += 1;
      if (new URL(response.url()).pathname.startsWith('/api/')) bytes.api += body.length;
      else bytes.files += body.length;
    }, () => {}));
  });
  await page.goto(`${warden.url}/${hash}`);
  let ms = null;
  if (signedIn) {
    ms = await page.evaluate(() => new Promise((resolve) => {
      const done = () => document.body.dataset.rendered && document.querySelectorAll('table tbody tr').length > 0;
      const check = () => (done() ? resolve(performance.now()) : requestAnimationFrame(check));
      check();
    }));
  } else {
    await page.waitForSelector('#token');
  }
  await page.waitForLoadState('networkidle');
  await Promise.all(pending);
  await context.close();
  return { bytes, ms };
}

const warden = await startWarden();
try {
  const started = Date.now();
  await storeTasks(warden, TASKS);
  const listed = await warden.api('POST', '/api/tasks', { p_size: 1 });
  console.log(`stored ${listed.body.total} tasks in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const browser = await launchBrowser();
  try {
    const first = await load(browser, warden, '', { signedIn: false });
    console.log(`first load, signed out (sign-in page): ${kb(first.bytes.files)} KB of files, ` +
      `${kb(first.bytes.api)} KB of API answers, ${first.bytes.requests} requests`);
    const times = [];
    let tasks;
    for (let i = 0; i < RUNS; i += 1) {
      tasks = await load(browser, warden, '#/tasks', { signedIn: true });
      times.push(tasks.ms);
    }
    console.log(`tasks page, signed in: ${kb(tasks.bytes.files)} KB of files + ` +
      `${kb(tasks.bytes.api)} KB of API answers = ${kb(tasks.bytes.files + tasks.bytes.api)} KB, ` +
      `${tasks.bytes.requests} requests (target: under 150 KB)`);
    console.log(`tasks page interactive with ${TASKS} tasks stored: median ${median(times).toFixed(0)} ms ` +
      `of ${RUNS} loads (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)}; target: under 1000 ms)`);
  } finally {
    await browser.close();
  }
} finally {
  await warden.stop();
}
