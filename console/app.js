// The console's shell: hash routing (#/page/id?filter=x), the session gate and page polling.

import { h, clear } from './dom.js';
import { session, onUnauthorized } from './api.js';
import { errorNotice } from './ui.js';
import * as signIn from './pages/signin.js';
import * as status from './pages/status.js';
import * as plugins from './pages/plugins.js';
import * as tasks from './pages/tasks.js';
import * as schedules from './pages/schedules.js';
import * as channels from './pages/channels.js';
import * as alerts from './pages/alerts.js';
import * as notifications from './pages/notifications.js';
import * as actions from './pages/actions.js';
import * as policies from './pages/policies.js';
import * as solutions from './pages/solutions.js';
import * as circuitBreaking from './pages/circuit_breaking.js';

const PAGES = {
  status, plugins, tasks, schedules, channels, alerts, notifications, actions, policies, solutions,
  'circuit-breaking': circuitBreaking,
};
const POLL_MS = 2000;

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const navToggle = document.getElementById('nav-toggle');
const signOutButton = document.getElementById('sign-out');

let signedIn = false;
let current = null;  // the rendered page: {stop()}

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [pathText, queryText = ''] = raw.split('?');
  const path = pathText.split('/').filter(Boolean).map(decodeURIComponent);
  return { path: path.length ? path : ['status'], query: new URLSearchParams(queryText) };
}

function setChrome(visible) {
  nav.hidden = !visible;
  navToggle.hidden = !visible;
  signOutButton.hidden = !visible;
}

function markCurrentLink(page) {
  for (const link of nav.querySelectorAll('a')) {
    if (link.getAttribute('href') === `#/${page}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

/**
 * What a page gets: where to draw (its own element, detached when the reader leaves, so a late
 * answer cannot draw over the next page), the route, and timers that end with it.
 */
function makeView(route) {
  const timers = [];
  const view = {
    main: h('div', { class: 'page' }),
    path: route.path,
    params: route.path.slice(1),
    query: route.query,
    stopped: false,
    go: (hash) => { location.hash = hash; },
    setQuery(values) {
      const query = new URLSearchParams();
      for (const [k, v] of Object.entries(values)) if (v) query.set(k, v);
      const text = query.toString();
      location.hash = `#/${route.path.join('/')}${text ? `?${text}` : ''}`;
    },
    /** Calls fn every 2 s while the tab is visible; never two calls at once. */
    poll(fn, ms = POLL_MS) {
      let busy = false;
      const tick = async () => {
        if (busy || document.hidden || view.stopped) return;
        busy = true;
        try { await fn(); } catch { /* the next tick tries again; a 401 already signs out */ } finally { busy = false; }
      };
      timers.push(setInterval(tick, ms));
    },
    stop() {
      view.stopped = true;
      timers.forEach(clearInterval);
    },
  };
  return view;
}

async function render() {
  current?.stop();
  current = null;
  if (!signedIn) return showSignIn();
  const route = parseHash();
  const page = PAGES[route.path[0]];
  markCurrentLink(route.path[0]);
  nav.classList.remove('open');
  navToggle.setAttribute('aria-expanded', 'false');
  const view = makeView(route);
  current = view;
  delete document.body.dataset.rendered;
  clear(main, clear(view.main, h('p', { class: 'muted loading', role: 'status' }, 'Loading…')));
  if (!page) {
    clear(view.main, h('h1', {}, 'Not found'), h('p', {}, 'No page here. '), h('a', { href: '#/status' }, 'Go to the status page'));
    document.body.dataset.rendered = location.hash;
    return;
  }
  try {
    await page.render(view);
  } catch (err) {
    clear(view.main, h('h1', {}, 'Something went wrong'), errorNotice(err));
  }
  // Lets tests (and anything else) know the page for this URL has drawn.
  if (!view.stopped) document.body.dataset.rendered = location.hash;
}

function showSignIn() {
  setChrome(false);
  document.title = 'Sign in · Warden';
  signIn.render(main, async () => {
    signedIn = true;
    setChrome(true);
    if (!location.hash || location.hash.startsWith('#/signin')) location.hash = '#/status';
    else render();
    main.focus();  // the sign-in form is gone: keyboard and screen reader go on from the page
  });
}

onUnauthorized(() => {
  if (!signedIn) return;
  signedIn = false;
  render();
});

signOutButton.addEventListener('click', async () => {
  try {
    await session.signOut();
  } finally {
    signedIn = false;
    render();
  }
});

navToggle.addEventListener('click', () => {
  const open = !nav.classList.contains('open');
  nav.classList.toggle('open', open);
  navToggle.setAttribute('aria-expanded', String(open));
});

window.addEventListener('hashchange', render);

async function start() {
  try {
    await session.check();
    signedIn = true;
    setChrome(true);
  } catch {
    signedIn = false;
  }
  render();
}

start();
