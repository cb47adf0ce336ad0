// Small DOM helpers shared by the views. Server data only ever enters the page as text
// (textContent / text nodes), never as HTML.

/** Creates an element; attributes are set with setAttribute, children may be nodes or strings. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value == null || value === false) continue;
    if (name === 'class') element.className = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...children.flat().filter((child) => child != null));
  return element;
}

/**
 * Writes messages into a live region (an element with aria-live="polite"). Each message is a
 * new paragraph so that a repeated message ("Koden är redan inlöst." twice) is announced again;
 * errors get role="alert".
 */
export function announcer(region) {
  return {
    say(text, kind = 'info') {
      const paragraph = h('p', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
      region.replaceChildren(paragraph);
    },
    clear() {
      region.replaceChildren();
    },
  };
}

/** The page-wide message region under the header. */
export const message = announcer(document.getElementById('message'));

const GENERIC_ERRORS = {
  NETWORK: 'Kunde inte nå servern. Kontrollera anslutningen och försök igen.',
  RATE_LIMITED: 'För många försök. Vänta en stund och försök igen.',
  UNAUTHENTICATED: 'Sessionen har gått ut. Logga in igen.',
  FORBIDDEN: 'Du har inte behörighet att göra det här.',
  NOT_FOUND: 'Det du försökte ändra finns inte längre. Ladda om sidan.',
  CONFLICT: 'Det gick inte eftersom något redan har ändrats. Ladda om sidan och försök igen.',
};

/**
 * Swedish text for a failed request. Only BAD_USER_INPUT messages come from the server
 * (they are written for people); anything else gets a fixed text without technical details.
 */
export function errorText(err) {
  if (err?.code === 'BAD_USER_INPUT') {
    const texts = [...new Set((err.errors ?? []).map((e) => e?.message).filter(Boolean))];
    if (texts.length > 0) return texts.join(' ');
  }
  return GENERIC_ERRORS[err?.code] ?? 'Något gick fel. Försök igen om en stund.';
}

/** Disables the button while `task` runs so a request is never sent twice by a double click. */
export async function withBusy(button, task) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await task();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}
