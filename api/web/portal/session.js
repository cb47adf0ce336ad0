// The signed-in merchant's tokens. Kept in memory and mirrored to sessionStorage so a reload
// resumes the session, but closing the tab ends it. Never localStorage, never the URL.

const KEY = 'cogo-portal-session';

let session = read();

function read() {
  try {
    const stored = JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
    if (stored?.accessToken && stored?.refreshToken) {
      return { accessToken: stored.accessToken, refreshToken: stored.refreshToken };
    }
  } catch {
    // Storage blocked or corrupt: behave as signed out.
  }
  return null;
}

export function getSession() {
  return session;
}

export function setSession({ accessToken, refreshToken }) {
  session = { accessToken, refreshToken };
  try {
    sessionStorage.setItem(KEY, JSON.stringify(session));
  } catch {
    // Storage blocked: the session still works until the page is reloaded.
  }
}

export function clearSession() {
  session = null;
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // Nothing stored, nothing to forget.
  }
}
