// GraphQL over fetch with bearer tokens. An UNAUTHENTICATED answer triggers one token refresh
// and one retry; when refreshing fails the session is dropped and the app is told to show
// the sign-in screen.

import { getSession, setSession, clearSession } from './session.js';
import { REFRESH_SESSION } from './operations.js';

const ENDPOINT = '/graphql';

/** A failed request. `code` is the server's extensions.code, or NETWORK when it was not reached. */
export class ApiError extends Error {
  constructor(code, message = '', errors = []) {
    super(message);
    this.code = code;
    this.errors = errors;
  }
}

let sessionExpired = () => {};

/** Registers what to do when the session cannot be renewed (the app shows the sign-in screen). */
export function onSessionExpired(handler) {
  sessionExpired = handler;
}

function operationName(query) {
  return /^\s*(?:query|mutation|subscription)\s+(\w+)/.exec(query)?.[1];
}

async function send(query, variables, accessToken) {
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
  let response;
  try {
    response = await fetch(ENDPOINT, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables, operationName: operationName(query) }),
      cache: 'no-store',
    });
  } catch {
    throw new ApiError('NETWORK');
  }
  let body;
  try {
    body = await response.json();
  } catch {
    // Not a GraphQL answer (a proxy page, say): classify by HTTP status only.
    const code = { 401: 'UNAUTHENTICATED', 429: 'RATE_LIMITED' }[response.status] ?? 'INTERNAL';
    throw new ApiError(code, `HTTP ${response.status}`);
  }
  const errors = Array.isArray(body?.errors) ? body.errors : [];
  if (errors.length > 0) {
    const codeOf = (e) => e?.extensions?.code ?? 'INTERNAL';
    // An expired token decides the outcome even when it is not the first error listed.
    const code = errors.some((e) => codeOf(e) === 'UNAUTHENTICATED') ? 'UNAUTHENTICATED' : codeOf(errors[0]);
    throw new ApiError(code, errors[0]?.message ?? '', errors);
  }
  if (!response.ok || !body?.data) throw new ApiError('INTERNAL', `HTTP ${response.status}`);
  return body.data;
}

// Refresh tokens rotate, so concurrent requests (polling plus a click) must share one refresh:
// a second refresh with the already-used token would fail and sign the merchant out.
let refreshing = null;

function refreshOnce() {
  if (!refreshing) {
    const refreshToken = getSession()?.refreshToken;
    refreshing = send(REFRESH_SESSION, { refreshToken }, null)
      .then((data) => {
        const tokens = data.refreshSession;
        if (!tokens?.accessToken || !tokens?.refreshToken) throw new ApiError('UNAUTHENTICATED');
        setSession(tokens);
      })
      .finally(() => {
        refreshing = null;
      });
  }
  return refreshing;
}

function expire() {
  if (!getSession()) return; // another request already reported it
  clearSession();
  sessionExpired();
}

/**
 * Renews the session after the server rejected `rejected` (an access token), sharing one refresh with
 * every other caller, and resolves with the access token to use now. gql uses it, and so does the live
 * socket in live.js, which cannot retry through gql. When renewing fails for any reason but the network,
 * the session ends and this rejects with UNAUTHENTICATED; a network failure rejects with NETWORK.
 */
export async function renewAccessToken(rejected) {
  if (!getSession()?.refreshToken) {
    expire();
    throw new ApiError('UNAUTHENTICATED');
  }
  // If another request refreshed in the meantime, its new token is the answer.
  if (getSession().accessToken === rejected) {
    try {
      await refreshOnce();
    } catch (err) {
      if (err.code !== 'NETWORK') expire();
      throw err.code === 'NETWORK' ? err : new ApiError('UNAUTHENTICATED');
    }
  }
  return getSession()?.accessToken;
}

/**
 * Runs one operation and resolves with its `data`, or rejects with an ApiError.
 * `auth: false` is for LogIn: no token is sent and no refresh is tried.
 */
export async function gql(query, variables = {}, { auth = true } = {}) {
  const token = auth ? getSession()?.accessToken : null;
  try {
    return await send(query, variables, token);
  } catch (err) {
    if (!auth || !token || err.code !== 'UNAUTHENTICATED') throw err;
  }
  await renewAccessToken(token);
  try {
    return await send(query, variables, getSession()?.accessToken);
  } catch (err) {
    if (err.code === 'UNAUTHENTICATED') expire();
    throw err;
  }
}
