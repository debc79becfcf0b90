// DOM building without innerHTML: server data only ever becomes text nodes or plain attributes.

const BOOLEAN_ATTRIBUTES = new Set(['hidden', 'disabled', 'checked', 'selected', 'required',
  'multiple', 'readonly', 'open', 'novalidate']);

/** h('a', {href: '#/x', class: 'btn', onclick: fn}, 'text', child, [more]) */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'value' && 'value' in el) {
      el.value = String(value);
    } else if (BOOLEAN_ATTRIBUTES.has(name)) {
      el[name] = true;
      if (name !== 'checked' && name !== 'selected') el.setAttribute(name, '');
    } else if (name === 'class') {
      el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    } else {
      el.setAttribute(name, String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

export function clear(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

let lastId = 0;
/** A unique id for label/aria wiring. */
export function uid(prefix = 'w') {
  lastId += 1;
  return `${prefix}-${lastId}`;
}

/** ISO time as the reader's local time, keeping the original in the title. */
export function time(iso) {
  if (!iso) return h('span', { class: 'muted' }, '—');
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return h('time', { datetime: iso, title: iso }, date.toLocaleString());
}

export function badge(text) {
  const kind = String(text ?? '').toLowerCase().replace(/[^a-z_]/g, '');
  return h('span', { class: `badge badge-${kind}` }, text ?? '—');
}

/** Pretty JSON in a <pre>, as text. */
export function jsonBlock(value) {
  return h('pre', { class: 'json' }, JSON.stringify(value, null, 2));
}

/** A table: columns [{title, cell: row => node|text}], rows. */
export function table(columns, rows, empty = 'Nothing here yet.') {
  if (!rows.length) return h('p', { class: 'muted empty' }, empty);
  return h('div', { class: 'table-wrap' },
    h('table', {},
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c.title)))),
      h('tbody', {}, rows.map((row) =>
        h('tr', {}, columns.map((c) => h('td', { 'data-label': c.title }, c.cell(row))))))));
}

/** A definition list from [label, value] pairs. */
export function facts(pairs) {
  return h('dl', { class: 'facts' },
    pairs.filter(Boolean).map(([term, value]) => [h('dt', {}, term), h('dd', {}, value ?? '—')]));
}

/** A message area whose changes are announced. */
export function notice(kind, ...content) {
  return h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    ...content);
}

export function labelled(labelText, control, hint) {
  if (!control.id) control.id = uid('in');
  return h('div', { class: 'field' },
    h('label', { for: control.id }, labelText), control, hint ? h('div', { class: 'hint' }, hint) : null);
}

const shownData = new WeakMap();
/**
 * Redraws `el` from `data` only when the data changed, so a polled list keeps keyboard focus,
 * selection and half-done clicks while nothing moves.
 */
export function update(el, data, build) {
  const signature = JSON.stringify(data);
  if (shownData.get(el) === signature) return el;
  shownData.set(el, signature);
  return clear(el, build(data));
}
