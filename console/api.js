// Every request the console makes. Each carries X-Warden-Console (the server's CSRF guard) and
// the same-origin session cookie; a 401 anywhere sends the reader back to the sign-in page.

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
    this.errors = (body && body.errors) || null;
  }
}

const unauthorizedListeners = new Set();
export function onUnauthorized(listener) {
  unauthorizedListeners.add(listener);
}

async function request(method, path, body, { quiet401 = false, accept = 'json' } = {}) {
  const headers = { 'X-Warden-Console': '1' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (accept === 'text') {
    if (!response.ok) throw new ApiError(response.status, null);
    return response.text();
  }
  let parsed = null;
  const text = await response.text();
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = { message: text.slice(0, 500) };
    }
  }
  if (response.status === 401 && !quiet401) unauthorizedListeners.forEach((f) => f());
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}

const get = (path, options) => request('GET', path, undefined, options);
const post = (path, body = {}) => request('POST', path, body);
const put = (path, body) => request('PUT', path, body);
const del = (path) => request('DELETE', path);
const seg = encodeURIComponent;

function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params || {})) {
    if (value !== undefined && value !== null && value !== '') search.set(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const session = {
  check: () => get('/api/session', { quiet401: true }),
  signIn: (token) => request('POST', '/api/session', { token }, { quiet401: true }),
  signOut: () => request('DELETE', '/api/session', undefined, { quiet401: true }),
};

export const plugins = {
  list: () => get('/api/plugins'),
  get: (key) => get(`/api/plugins/${seg(key)}`),
  checkConfig: (key, config) => post(`/api/plugins/${seg(key)}/check_config`, { config }),
  reload: () => post('/api/plugins/reload'),
};

export const channels = {
  list: () => get('/api/channels'),
  get: (name) => get(`/api/channels/${seg(name)}`),
  put: (name, body) => put(`/api/channels/${seg(name)}`, body),
  remove: (name) => del(`/api/channels/${seg(name)}`),
  test: (name) => post(`/api/channels/${seg(name)}/test`),
  // With the name of a stored instance, the server fills its secrets where the config says ******.
  preview: (channel, config, name) => post('/api/channels/preview', name ? { channel, config, name } : { channel, config }),
};

export const tasks = {
  list: (filters) => post('/api/tasks', filters),
  services: () => post('/api/service_task'),
  create: (data) => post('/api/create_task', { data }),
  result: (taskId) => post('/api/result_task', { data: { task_id: taskId } }),
  start: (taskId) => post('/api/start_task', { task_id: taskId }),
  update: (taskId, condition) => post('/api/update_task', { task_id: taskId, condition }),
};

export const timers = {
  events: (nodeId) => get(`/api/timer_events${query({ node_id: nodeId })}`),
  addEvents: (nodeId, events) => post('/api/timer_events', { [nodeId]: events }),
  removeEvent: (id) => del(`/api/timer_events/${seg(id)}`),
  preview: (body) => post('/api/timers/preview', body),
  schedules: () => get('/api/schedules'),
  schedule: (name) => get(`/api/schedules/${seg(name)}`),
  saveSchedule: (body) => post('/api/schedules', body),
  removeSchedule: (name) => del(`/api/schedules/${seg(name)}`),
};

export const alerts = {
  list: (filters) => get(`/api/alerts${query(filters)}`),
  get: (id) => get(`/api/alerts/${seg(id)}`),
  close: (id, reason) => post(`/api/alerts/${seg(id)}/close`, { by: 'console', reason }),
};

export const notifications = {
  list: (filters) => get(`/api/notifications${query(filters)}`),
  get: (id) => get(`/api/notifications/${seg(id)}`),
  replay: (id) => post(`/api/notifications/${seg(id)}/replay`),
};

export const circuitBreaking = {
  rules: () => get('/api/circuit_breaking'),
  addRule: (rule) => post('/api/circuit_breaking/rules', rule),
  removeRule: (id) => del(`/api/circuit_breaking/rules/${seg(id)}`),
};

export const policies = {
  list: () => get('/api/policies'),
  get: (name) => get(`/api/policies/${seg(name)}`),
  put: (name, policy) => put(`/api/policies/${seg(name)}`, policy),
  remove: (name) => del(`/api/policies/${seg(name)}`),
};

export const solutions = {
  list: () => get('/api/solutions'),
  get: (name) => get(`/api/solutions/${seg(name)}`),
  put: (name, body) => put(`/api/solutions/${seg(name)}`, body),
  remove: (name) => del(`/api/solutions/${seg(name)}`),
};

export const actions = {
  list: (filters) => get(`/api/actions${query(filters)}`),
  get: (id) => get(`/api/actions/${seg(id)}`),
  answer: (id, verb, reason) => post(`/api/actions/${seg(id)}/${verb}`, { by: 'console', reason }),
};

export const status = {
  get: () => get('/api/status'),
  metrics: () => get('/metrics', { accept: 'text' }),
};

/** Names for a manifest field's options_from list (the host's lists: host/plugins/plugin_registry.cpp). */
export async function optionList(listName) {
  if (listName === 'channels') {
    return ((await channels.list()).data || []).map((c) => c.name);
  }
  const kind = { solutions: 'solution', timer_actions: 'timer_action' }[listName];
  if (kind) {
    const all = (await plugins.list()).data || [];
    return all.filter((p) => p.kind === kind && p.status === 'loaded').map((p) => p.key);
  }
  return [];
}
