// Sign-in screen: exchanges e-mail and password for tokens, then hands over to the app.

import { gql } from '../api.js';
import { LOG_IN } from '../operations.js';
import { setSession } from '../session.js';
import { message, errorText } from '../ui.js';

let form;
let onSignedIn = async () => {};

export function init(options) {
  onSignedIn = options.onSignedIn;
  form = document.getElementById('sign-in');
  form.addEventListener('submit', submit);
}

async function submit(event) {
  event.preventDefault();
  const button = form.querySelector('button[type="submit"]');
  const email = document.getElementById('email').value.trim();
  const password = document.getElementById('password').value;
  if (!email || !password) {
    message.say('Fyll i e-postadress och lösenord.', 'error');
    return;
  }
  button.disabled = true;
  message.say('Loggar in …');
  try {
    const { logIn } = await gql(LOG_IN, { email, password }, { auth: false });
    setSession(logIn);
    document.getElementById('password').value = '';
    await onSignedIn();
  } catch (err) {
    message.say(signInError(err), 'error');
  } finally {
    button.disabled = false;
  }
}

// Wrong e-mail and wrong password get the same text so the form does not reveal which accounts exist.
function signInError(err) {
  if (['UNAUTHENTICATED', 'BAD_USER_INPUT', 'NOT_FOUND'].includes(err.code)) {
    return 'Fel e-postadress eller lösenord.';
  }
  return errorText(err);
}

export function show() {}
export function hide() {}
export function reset() {
  document.getElementById('password').value = '';
}
