// What every console test needs: the real `warden serve` on a free loopback port with the bundled
// plugins, Debian's chromium driven by playwright-core, sign-in, screenshots and waiting on
// conditions (never on the clock).

import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { chromium } from 'playwright-core';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUILD = process.env.WARDEN_BUILD_DIR || join(REPO, 'build');
export const WARDEN_BIN = process.env.WARDEN_BIN || join(BUILD, 'host', 'warden');
const PLUGIN_DIRS = [join(BUILD, 'plugins'), join(BUILD, 'tests', 'fixture_plugins', 'console')];
export const SCREENSHOT_DIR = process.env.WARDEN_SCREENSHOT_DIR || join(BUILD, 'console-screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Polls `check` until it returns a truthy value; fails with `what` after `timeout` ms. */
export async function eventually(check, { timeout = 30_000, interval = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/**
 * Starts warden in a temp dir. Serves the assets embedded in the binary, or those of
 * WARDEN_UI_DIR (e.g. console/) when set.
 */
export async function startWarden({ extraYaml = '' } = {}) {
  if (!existsSync(WARDEN_BIN)) throw new Error(`no warden binary at ${WARDEN_BIN}: build first (scripts/build.sh) or set WARDEN_BIN`);
  const dir = mkdtempSync(join(tmpdir(), 'warden-console-'));
  const token = randomBytes(16).toString('hex');
  const pluginDirs = PLUGIN_DIRS.filter((d) => existsSync(d));
  writeFileSync(join(dir, 'warden.yaml'), [
    'listen: 127.0.0.1:0',
    'plugins_dir:', ...pluginDirs.map((d) => `  - ${d}`),
    'log_level: info',
    extraYaml,
    'TEST:', `  database: sqlite:${join(dir, 'warden.db')}`, '',
  ].join('\n'));
  const args = ['serve', '--config', join(dir, 'warden.yaml')];
  if (process.env.WARDEN_UI_DIR) args.push('--ui-dir', resolve(REPO, process.env.WARDEN_UI_DIR));
  const child = spawn(WARDEN_BIN, args, { cwd: dir, env: { ...process.env, AUTH_TOKEN: token }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const exited = new Promise((r) => child.on('exit', r));
  const port = await eventually(() => {
    if (child.exitCode !== null) throw new Error(`warden exited ${child.exitCode}:\n${log}`);
    const m = /listening on http:\/\/[^:\s]+:(\d+)/.exec(log);
    return m && Number(m[1]);
  }, { timeout: 60_000, what: 'warden to listen' }).catch((err) => { child.kill('SIGKILL'); throw err; });
  const url = `http://127.0.0.1:${port}`;
  await eventually(async () => (await fetch(`${url}/healthz`)).ok, { timeout: 30_000, what: '/healthz' });
  return {
    url, token, dir,
    log: () => log,
    /** An API call with the token, as a script would make it. */
    async api(method, path, body) {
      const response = await fetch(url + path, { method, headers: { Authorization: token, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/**
 * A page at `width` px that records what the browser reported: CSP violations (the DOM event and
 * the console line) and uncaught errors.
 */
export async function openPage(browser, { width = 1280, height = 900, timezoneId } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, timezoneId });
  const page = await context.newPage();
  const report = { cspViolations: [], consoleErrors: [], pageErrors: [] };
  await page.exposeFunction('__reportCsp', (text) => report.cspViolations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__reportCsp(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  page.on('console', (msg) => { if (msg.type() === 'error') report.consoleErrors.push(msg.text()); });
  page.on('pageerror', (err) => report.pageErrors.push(String(err)));
  page.setDefaultTimeout(30_000);
  return { page, context, report };
}

export async function signIn(page, warden) {
  await page.goto(`${warden.url}/#/status`);
  await page.fill('#token', warden.token);
  await page.click('#signin-form button[type=submit]');
  await page.waitForSelector('#sign-out:not([hidden])');
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** Goes to a hash route and waits until the console has drawn that page. */
export async function visit(page, hash) {
  const target = await page.evaluate((h) => { location.hash = h; return location.hash; }, hash);
  await page.waitForFunction((t) => document.body.dataset.rendered === t, target, { timeout: 30_000 });
}
