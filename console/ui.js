// Pieces every page uses: headings, buttons that show their progress, error boxes, URL filters.

import { h, clear, notice, uid } from './dom.js';

export function pageHeader(title, ...actions) {
  return h('div', { class: 'page-header' }, h('h1', {}, title),
    actions.length ? h('div', { class: 'actions' }, actions) : null);
}

/** What went wrong with a request, as a person can read it (with the server's per-field errors). */
export function errorNotice(err) {
  const errors = err && err.errors ? Object.entries(err.errors) : [];
  return notice('error', h('p', {}, err && err.message ? err.message : String(err)),
    errors.length ? h('ul', {}, errors.map(([k, m]) => h('li', {}, h('code', {}, k), ': ', String(m)))) : null);
}

/** A button that disables itself while its async action runs. */
export function button(label, action, { kind = '', type = 'button', ...attrs } = {}) {
  const el = h('button', { type, class: ['btn', kind && `btn-${kind}`], ...attrs }, label);
  if (action) {
    el.addEventListener('click', async (event) => {
      event.preventDefault();
      if (el.disabled) return;
      el.disabled = true;
      try {
        await action(event);
      } finally {
        el.disabled = false;
      }
    });
  }
  return el;
}

/** A button that asks once ("Delete" → "Really delete?") before acting: no modal needed. */
export function confirmButton(label, action, attrs = {}) {
  let armed = false;
  const el = button(label, async () => {
    if (!armed) {
      armed = true;
      el.textContent = `Really ${label.toLowerCase()}?`;
      setTimeout(() => { armed = false; el.textContent = label; }, 4000);
      return;
    }
    armed = false;
    el.textContent = label;
    await action();
  }, { kind: 'danger', ...attrs });
  return el;
}

/** A place for the outcome of an action: replaced by each new message. */
export function outcomeArea() {
  const area = h('div', { class: 'outcome', 'aria-live': 'polite' });
  return {
    element: area,
    show: (...content) => clear(area, ...content),
    error: (err) => clear(area, errorNotice(err)),
    ok: (...content) => clear(area, notice('ok', ...content)),
    clear: () => clear(area),
  };
}

// The filter that had focus when the URL changed: the re-rendered page gives it focus back, so a
// keyboard user changing a filter stays where they were.
let refocusFilter = null;

/**
 * Filters kept in the URL's query: changing one rewrites the hash, which re-renders the page.
 * specs: [{name, label, options?: [values] }]
 */
export function filterBar(view, specs) {
  const controls = specs.map((spec) => {
    const id = uid('filter');
    const current = view.query.get(spec.name) || '';
    const control = spec.options
      ? h('select', { id, name: spec.name },
        h('option', { value: '' }, 'any'),
        [...new Set([...spec.options, current].filter(Boolean))].map((o) => h('option', { value: o, selected: o === current }, o)))
      : h('input', { id, name: spec.name, type: 'search', value: current, placeholder: spec.placeholder || '' });
    return { spec, control, node: h('div', { class: 'filter' }, h('label', { for: id }, spec.label), control) };
  });
  const form = h('form', { class: 'filters', role: 'search' }, controls.map((c) => c.node),
    h('button', { type: 'submit', class: 'btn' }, 'Apply'));
  const apply = (event) => {
    event?.preventDefault();
    refocusFilter = form.contains(document.activeElement) ? document.activeElement.name || null : null;
    const next = {};
    for (const { spec, control } of controls) next[spec.name] = control.value.trim();
    view.setQuery(next);
  };
  form.addEventListener('submit', apply);
  controls.filter((c) => c.spec.options).forEach((c) => c.control.addEventListener('change', apply));
  const again = controls.find((c) => c.spec.name === refocusFilter);
  refocusFilter = null;
  if (again) setTimeout(() => again.control.focus(), 0);
  return form;
}

/** Previous / next page links that keep the other filters. */
export function pager(view, { page, pageSize, total }) {
  const pages = Math.max(1, Math.ceil((total || 0) / pageSize));
  const link = (to, label) => {
    const query = new URLSearchParams(view.query);
    query.set('page', String(to));
    return h('a', { href: `#/${view.path.join('/')}?${query}`, class: 'btn' }, label);
  };
  return h('nav', { class: 'pager', 'aria-label': 'Pages' },
    page > 1 ? link(page - 1, '← Newer') : null,
    h('span', {}, `Page ${page} of ${pages} (${total ?? 0})`),
    page < pages ? link(page + 1, 'Older →') : null);
}

export function loading() {
  return h('p', { class: 'muted loading', role: 'status' }, 'Loading…');
}
