// The form generator: one form for any plugin's configuration, built from its manifest fields
// (GET /api/plugins/{key}). Server errors come back keyed by field name and are shown beside
// their fields; what the server says stays the source of truth (the form is `novalidate`).

import { h, uid, clear } from './dom.js';
import { optionList } from './api.js';

export const MASKED = '******';

const UNITS = {
  duration_of_second: 's', duration_of_minute: 'min', duration_of_hour: 'h',
  memory_size_of_byte: 'B', memory_size_of_kibi: 'KiB', memory_size_of_mega: 'MiB',
};

const isRequired = (field) => (field.validate || []).includes('require');

/** Server-rendered, sanitized Markdown (the only HTML the console inserts), else plain text. */
export function helpContent(html, text, attrs = {}) {
  if (html) {
    const box = h('div', { ...attrs, class: `markdown ${attrs.class || ''}` });
    box.innerHTML = html;
    return box;
  }
  if (text) return h('div', { ...attrs, class: `help-text ${attrs.class || ''}` }, text);
  return null;
}

// ---- date-times: the API wants YYYY-MM-DDTHH:MM:SS(Z|±HH:MM) -----------------------------------

const pad = (n) => String(n).padStart(2, '0');

function offsetText(date) {
  const minutes = -date.getTimezoneOffset();
  if (minutes === 0) return 'Z';
  const sign = minutes > 0 ? '+' : '-';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** "2024-05-01T08:00" (a datetime-local value, in the browser's zone) → "2024-05-01T08:00:00+02:00" */
export function localToIso(local) {
  if (!local) return '';
  const withSeconds = local.length === 16 ? `${local}:00` : local.slice(0, 19);
  const date = new Date(withSeconds);
  if (Number.isNaN(date.getTime())) return '';
  return withSeconds + offsetText(date);
}

/** An ISO date-time → a datetime-local value in the browser's zone. */
export function isoToLocal(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

// ---- one widget per field type ------------------------------------------------------------------

function normalizedOptions(options) {
  return (options || []).map((o) => (o !== null && typeof o === 'object' ? o : { label: String(o), value: o }));
}

async function choicesOf(field) {
  const own = normalizedOptions(field.options);
  if (own.length || !field.options_from) return own;
  try {
    return (await optionList(field.options_from)).map((name) => ({ label: name, value: name }));
  } catch {
    return [];
  }
}

/**
 * Builds the widget of one field. Returns {control (focus/aria target), node (what to place),
 * read() → value or undefined to leave the field out}.
 */
async function widget(field, id, initial, masked) {
  const type = field.type;
  const placeholder = { stored: 'unchanged', default: 'default' }[masked] || field.placeholder || undefined;
  const common = { id, name: field.name, 'aria-required': isRequired(field) ? 'true' : undefined };
  const hadValue = initial !== undefined && initial !== null && initial !== '';
  const text = (value) => {
    if (masked === 'stored' && value === '') return MASKED;
    if (value === '' && !hadValue) return undefined;
    return value;
  };

  if (type === 'textarea' || type === 'file') {
    const area = h('textarea', { ...common, rows: type === 'file' ? 6 : 4, placeholder, value: initial ?? '' });
    if (type === 'textarea') return { control: area, node: area, read: () => text(area.value) };
    // A file field's value is the file's text: pick a file to load it, or paste it.
    const picker = h('input', { type: 'file', id: `${id}-file`, class: 'file-picker',
      onchange: async () => { if (picker.files[0]) area.value = await picker.files[0].text(); } });
    const node = h('div', { class: 'file-field' }, area,
      h('label', { for: `${id}-file`, class: 'file-label' }, 'Load from a file'), picker);
    return { control: area, node, read: () => text(area.value) };
  }

  if (type === 'input_text' || type === 'password') {
    const secret = type === 'password' || field.secret;
    const input = h('input', { ...common, type: secret ? 'password' : 'text', placeholder,
      autocomplete: secret ? 'new-password' : 'off', value: initial ?? '' });
    return { control: input, node: input, read: () => text(input.value) };
  }

  if (type === 'int_number' || type === 'decimal_number' || UNITS[type]) {
    const input = h('input', { ...common, type: 'number', inputmode: type === 'decimal_number' ? 'decimal' : 'numeric',
      step: type === 'decimal_number' ? 'any' : '1', min: UNITS[type] ? '0' : undefined,
      placeholder, value: initial ?? '' });
    const read = () => (input.value === '' ? undefined : Number(input.value));
    if (!UNITS[type]) return { control: input, node: input, read };
    const node = h('div', { class: 'with-unit' }, input, h('span', { class: 'unit', 'aria-hidden': 'true' }, UNITS[type]));
    input.setAttribute('aria-label', `${field.label || field.name} (${UNITS[type]})`);
    return { control: input, node, read };
  }

  if (type === 'date') {
    const input = h('input', { ...common, type: 'date', value: initial ?? '' });
    return { control: input, node: input, read: () => input.value || undefined };
  }

  if (type === 'date_time') {
    const shown = h('output', { for: id, class: 'iso' });
    const input = h('input', { ...common, type: 'datetime-local', step: '1',
      value: hadValue ? isoToLocal(initial) : '' });
    const sync = () => { shown.textContent = localToIso(input.value) || '—'; };
    input.addEventListener('input', sync);
    sync();
    const node = h('div', { class: 'with-iso' }, input, h('span', { class: 'muted' }, 'sent as ', shown));
    return { control: input, node, read: () => localToIso(input.value) || undefined };
  }

  if (type === 'enum' || type === 'selectable') {
    const choices = await choicesOf(field);
    if (hadValue && !choices.some((c) => c.value === initial)) choices.push({ label: String(initial), value: initial });
    const select = h('select', common,
      isRequired(field) && hadValue ? null : h('option', { value: '' }, '—'),
      choices.map((c, i) => h('option', { value: String(i), selected: hadValue && c.value === initial }, c.label ?? String(c.value))));
    const read = () => (select.value === '' ? undefined : choices[Number(select.value)].value);
    return { control: select, node: select, read };
  }

  if (type === 'multi_selectable') {
    const chosen = new Set(Array.isArray(initial) ? initial.map(String) : []);
    const choices = await choicesOf(field);
    for (const value of chosen) if (!choices.some((c) => String(c.value) === value)) choices.push({ label: value, value });
    const boxes = choices.map((c, i) => h('input', { type: 'checkbox', id: `${id}-${i}`, value: String(c.value),
      checked: chosen.has(String(c.value)) }));
    const group = h('fieldset', { id, class: 'checks', 'aria-required': common['aria-required'], tabindex: '-1' },
      h('legend', { class: 'visually-hidden' }, field.label || field.name),
      boxes.length ? boxes.map((box, i) => h('span', { class: 'check' }, box,
        h('label', { for: box.id }, choices[i].label ?? String(choices[i].value))))
        : h('span', { class: 'muted' }, field.options_from ? `No ${field.options_from.replace('_', ' ')} yet` : 'No options'));
    const read = () => {
      const values = boxes.filter((b) => b.checked).map((b) => b.value);
      return values.length || chosen.size ? values : undefined;
    };
    return { control: group, node: group, read };
  }

  // A type this console does not know yet: a text box, so nothing is lost.
  const input = h('input', { ...common, type: 'text', value: initial ?? '' });
  return { control: input, node: input, read: () => text(input.value) };
}

// ---- the form -------------------------------------------------------------------------------------

/**
 * The fields of `plugin` as form controls.
 * values: the object being edited (a channel's config, a task's condition), or null for defaults.
 * errorPrefixes: how the server prefixes field names in its errors ('config.', 'condition.', …).
 * Returns {element, read(), showErrors(errors) → unknown [key, message] pairs, clearErrors()}.
 */
export async function pluginForm(plugin, { values = null, errorPrefixes = [], idPrefix = uid('f') } = {}) {
  const fields = [...(plugin.fields || [])].sort((a, b) => (a.ordinal ?? 0) - (b.ordinal ?? 0));
  const rows = new Map();
  const topErrors = h('div', { class: 'form-errors', role: 'alert', hidden: true });
  const plain = h('div', { class: 'fields' });
  const advanced = h('div', { class: 'fields' });
  const advancedBox = h('details', { class: 'advanced' }, h('summary', {}, 'Advanced settings'), advanced);

  for (const field of fields) {
    const id = `${idPrefix}-${field.name}`;
    const stored = values && Object.prototype.hasOwnProperty.call(values, field.name) ? values[field.name] : undefined;
    const initial = values ? stored : field.default;
    // A secret reads ****** (stored, or a manifest default): the box stays empty; when editing,
    // an empty box sends ****** back so the server keeps what it has.
    const secret = field.type === 'password' || field.secret;
    const masked = secret && initial === MASKED ? (values ? 'stored' : 'default') : null;
    const w = await widget(field, id, masked ? undefined : initial, masked);
    const helpId = `${id}-help`;
    const errorId = `${id}-error`;
    const help = helpContent(field.help_html, field.help, { id: helpId, class: 'field-help' });
    const error = h('p', { class: 'field-error', id: errorId, hidden: true });
    const described = () => [help ? helpId : null, error.hidden ? null : errorId].filter(Boolean).join(' ');
    if (described()) w.control.setAttribute('aria-describedby', described());
    const labelFor = field.type === 'multi_selectable' ? `${id}-0` : id;
    const label = field.type === 'multi_selectable'
      ? h('span', { class: 'label', id: `${id}-label` }, field.label || field.name)
      : h('label', { for: labelFor }, field.label || field.name);
    if (field.type === 'multi_selectable') w.control.setAttribute('aria-labelledby', `${id}-label`);
    if (isRequired(field)) label.append(h('span', { class: 'required', title: 'required' }, ' *'));
    const row = h('div', { class: 'form-field', 'data-field': field.name, 'data-type': field.type },
      label, h('div', { class: 'control' }, w.node,
        field.options_error ? h('p', { class: 'hint' }, `Options unavailable: ${field.options_error}`) : null, error),
      help);
    rows.set(field.name, { field, w, error, described, row });
    (field.advanced ? advanced : plain).append(row);
  }

  const element = h('div', { class: 'plugin-form', 'data-plugin': plugin.key },
    helpContent(plugin.overview_html, plugin.overview, { class: 'overview' }),
    topErrors, plain, advanced.childElementCount ? advancedBox : null);

  function read() {
    const out = {};
    for (const [name, { w }] of rows) {
      const value = w.read();
      if (value !== undefined) out[name] = value;
    }
    return out;
  }

  function clearErrors() {
    topErrors.hidden = true;
    clear(topErrors);
    for (const { w, error, described, row } of rows.values()) {
      error.hidden = true;
      error.textContent = '';
      row.classList.remove('has-error');
      w.control.removeAttribute('aria-invalid');
      const ids = described();
      if (ids) w.control.setAttribute('aria-describedby', ids); else w.control.removeAttribute('aria-describedby');
    }
  }

  /** Shows every error at once; returns the ones that name no field of this form. */
  function showErrors(errors, { showUnknown = true } = {}) {
    clearErrors();
    const unknown = [];
    for (const [key, message] of Object.entries(errors || {})) {
      let name = key;
      for (const prefix of errorPrefixes) if (name.startsWith(prefix)) { name = name.slice(prefix.length); break; }
      const row = rows.get(name);
      if (!row) { unknown.push([key, message]); continue; }
      row.error.hidden = false;
      row.error.textContent = String(message);
      row.row.classList.add('has-error');
      row.w.control.setAttribute('aria-invalid', 'true');
      row.w.control.setAttribute('aria-describedby', row.described());
      if (row.field.advanced) advancedBox.open = true;
    }
    if (unknown.length && showUnknown) {
      topErrors.hidden = false;
      clear(topErrors, h('ul', {}, unknown.map(([k, m]) => h('li', {}, h('code', {}, k), ': ', String(m)))));
    }
    return unknown;
  }

  return { element, read, showErrors, clearErrors, fields: rows };
}

// ---- the console's own inputs (a channel's name, a schedule's timer): labelled, with errors ------

/**
 * specs: [{name, label, type: 'text'|'number'|'checkbox'|'select'|'textarea', value, options:
 * [{label, value}] | [values], hint, required, placeholder, errorKeys: extra server keys}]
 * Returns {element, read(), showErrors(errors) → unknown pairs, clearErrors(), controls}.
 */
export function simpleFields(specs, { idPrefix = uid('s'), errorPrefixes = [] } = {}) {
  const rows = new Map();
  const element = h('div', { class: 'fields' });
  for (const spec of specs) {
    const id = `${idPrefix}-${spec.name.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
    const errorId = `${id}-error`;
    const hintId = `${id}-hint`;
    const common = { id, name: spec.name, 'aria-required': spec.required ? 'true' : undefined, placeholder: spec.placeholder };
    let control;
    if (spec.type === 'checkbox') {
      control = h('input', { ...common, type: 'checkbox', checked: Boolean(spec.value) });
    } else if (spec.type === 'select') {
      const options = normalizedOptions(spec.options);
      control = h('select', common, spec.required ? null : h('option', { value: '' }, '—'),
        options.map((o) => h('option', { value: String(o.value), selected: String(o.value) === String(spec.value ?? '') }, o.label ?? String(o.value))));
    } else if (spec.type === 'textarea') {
      control = h('textarea', { ...common, rows: spec.rows || 8, value: spec.value ?? '' });
    } else {
      control = h('input', { ...common, type: spec.type || 'text', value: spec.value ?? '',
        step: spec.type === 'number' ? spec.step || '1' : undefined, min: spec.min });
    }
    if (spec.onchange) control.addEventListener('change', spec.onchange);
    const error = h('p', { class: 'field-error', id: errorId, hidden: true });
    const hint = spec.hint ? h('div', { class: 'field-help', id: hintId }, spec.hint) : null;
    const described = () => [hint ? hintId : null, error.hidden ? null : errorId].filter(Boolean).join(' ');
    if (hint) control.setAttribute('aria-describedby', hintId);
    const label = h('label', { for: id }, spec.label, spec.required ? h('span', { class: 'required', title: 'required' }, ' *') : null);
    const row = h('div', { class: ['form-field', spec.type === 'checkbox' && 'checkbox-field'], 'data-field': spec.name },
      label, h('div', { class: 'control' }, control, error), hint);
    element.append(row);
    rows.set(spec.name, { spec, control, error, described, row });
  }

  function read() {
    const out = {};
    for (const [name, { spec, control }] of rows) {
      if (spec.type === 'checkbox') out[name] = control.checked;
      else if (spec.type === 'number') { if (control.value !== '') out[name] = Number(control.value); }
      else if (control.value !== '' || spec.keepEmpty) out[name] = control.value;
    }
    return out;
  }

  function clearErrors() {
    for (const { control, error, described, row } of rows.values()) {
      error.hidden = true;
      row.classList.remove('has-error');
      control.removeAttribute('aria-invalid');
      const ids = described();
      if (ids) control.setAttribute('aria-describedby', ids); else control.removeAttribute('aria-describedby');
    }
  }

  function showErrors(errors) {
    clearErrors();
    const unknown = [];
    for (const [key, message] of Object.entries(errors || {})) {
      let name = key;
      for (const prefix of errorPrefixes) if (name.startsWith(prefix)) { name = name.slice(prefix.length); break; }
      const row = rows.get(name) || [...rows.values()].find((r) => (r.spec.errorKeys || []).includes(name));
      if (!row) { unknown.push([key, message]); continue; }
      row.error.hidden = false;
      row.error.textContent = String(message);
      row.row.classList.add('has-error');
      row.control.setAttribute('aria-invalid', 'true');
      row.control.setAttribute('aria-describedby', row.described());
    }
    return unknown;
  }

  return { element, read, showErrors, clearErrors, controls: new Map([...rows].map(([k, r]) => [k, r.control])) };
}

/**
 * Hands a 400's errors to each part of a form in turn (each takes the keys it knows); what is left
 * is shown in `topBox`. Returns how many errors were shown in all.
 */
export function showAllErrors(errors, parts, topBox) {
  let remaining = errors || {};
  for (const part of parts) {
    if (!part) continue;
    remaining = Object.fromEntries(part.showErrors(remaining, { showUnknown: false }));
  }
  const left = Object.entries(remaining);
  clear(topBox);
  topBox.hidden = left.length === 0;
  if (left.length) topBox.append(h('ul', {}, left.map(([k, m]) => h('li', {}, h('code', {}, k), ': ', String(m)))));
  return left.length;
}
