// Sign-in for the dashboards: an API token (from `ledgerhouse token create`, or the demo's printed tokens), kept in
// sessionStorage only — it is gone when the tab closes, and never written to localStorage or a cookie. The token is
// checked against an endpoint the page needs anyway before it is stored.
import { ApiError, getJson } from './api.js';
import { sessionStore } from './browser-storage.js';
import { h, replace } from './dom.js';

const KEY = 'ledgerhouse.token';

export function currentToken(): string | undefined {
  return sessionStore().getItem(KEY) ?? undefined;
}

export function signOut(): void {
  sessionStore().removeItem(KEY);
  location.reload();
}

/**
 * Renders the sign-in form into `target`; resolves with the token once `probe` (a token-only endpoint) accepts it.
 */
export function signIn(target: HTMLElement, heading: string, probe: string): Promise<string> {
  return new Promise((resolve) => {
    const input = h('input', { type: 'password', name: 'token', placeholder: 'lh_…', autocomplete: 'off', 'aria-label': 'API token', required: true });
    const error = h('p', { class: 'form-error', role: 'alert' });
    const button = h('button', { type: 'submit' }, 'Sign in');
    const form = h('form', { class: 'login-form', id: 'login' }, input, button);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const token = input.value.trim();
      button.disabled = true;
      error.textContent = '';
      getJson(probe, token).then(
        () => {
          sessionStore().setItem(KEY, token);
          resolve(token);
        },
        (err: unknown) => {
          button.disabled = false;
          error.textContent = err instanceof ApiError && err.status === 401
            ? 'This token is not valid (unknown, expired or revoked).'
            : `Could not sign in: ${(err as Error).message}`;
        },
      );
    });
    replace(target,
      h('section', { class: 'card' },
        h('h2', {}, heading),
        h('p', { class: 'muted' }, 'Paste your API token. It stays in this tab only (sessionStorage) and is sent to this registry alone.'),
        form, error,
        h('p', { class: 'muted small' }, 'Create one with ', h('code', {}, 'npx ledgerhouse token create --party <your-party-id>'), '.')));
  });
}

/** The stored token if the server still accepts it; otherwise the sign-in form's result. */
export async function ensureSignedIn(target: HTMLElement, heading: string, probe: string): Promise<string> {
  const token = currentToken();
  if (token !== undefined) {
    try {
      await getJson(probe, token);
      return token;
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) throw e;
      sessionStore().removeItem(KEY);
    }
  }
  return signIn(target, heading, probe);
}
