// Sign in with the API token; the server answers with an HttpOnly session cookie.

import { h, clear } from '../dom.js';
import { session } from '../api.js';
import { errorNotice } from '../ui.js';

export function render(main, onSignedIn) {
  const token = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'current-password', required: true });
  const outcome = h('div', { 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Sign in');
  const form = h('form', { class: 'signin card', id: 'signin-form' },
    h('h1', {}, 'Sign in'),
    h('p', { class: 'muted' }, 'Use the API token this Warden host was started with (AUTH_TOKEN).'),
    h('div', { class: 'field' }, h('label', { for: 'token' }, 'API token'), token),
    outcome, submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      await session.signIn(token.value);
      token.value = '';
      await onSignedIn();
    } catch (err) {
      clear(outcome, errorNotice(err.status === 401 ? 'That token is not accepted.' : err));
      token.focus();
    } finally {
      submit.disabled = false;
    }
  });
  clear(main, form);
  token.focus();
}
