// Entry point: session lifecycle (sign in, resume, sign out, expiry) and hash routing between views.

import { gql, onSessionExpired } from './api.js';
import { getSession, clearSession } from './session.js';
import { MY_PARTNER, LOG_OUT } from './operations.js';
import { message, errorText } from './ui.js';
import * as signIn from './views/sign-in.js';
import * as offers from './views/offers.js';
import * as till from './views/till.js';
import * as redemptions from './views/redemptions.js';

const APP_NAME = 'CoGo Partnerportal';
const ROUTES = {
  '#/erbjudanden': { view: offers, container: 'view-offers', nav: 'nav-offers', title: 'Erbjudanden' },
  '#/kassan': { view: till, container: 'view-till', nav: 'nav-till', title: 'Kassan' },
  '#/inlosta': { view: redemptions, container: 'view-redemptions', nav: 'nav-redemptions', title: 'Inlösta koder' },
};
const DEFAULT_ROUTE = '#/erbjudanden';
const CONTAINERS = ['view-sign-in', 'view-no-partner', 'view-offers', 'view-till', 'view-redemptions'];

const $ = (id) => document.getElementById(id);
let partner = null;
let current = null; // the route on screen while signed in as a partner member
let pageJustLoaded = true;

function showContainer(id, title, focusTarget) {
  for (const containerId of CONTAINERS) $(containerId).hidden = containerId !== id;
  document.title = `${title} – ${APP_NAME}`;
  // Tell keyboard and screen-reader users where they landed: the view's heading unless the view asks
  // otherwise. A freshly loaded page already starts at the top, so only a view's own target is focused then.
  if (focusTarget) focusTarget.focus();
  else if (!pageJustLoaded) $(id).querySelector('h1').focus();
  pageJustLoaded = false;
}

function setHeader({ signedIn, member }) {
  $('sign-out').hidden = !signedIn;
  $('main-nav').hidden = !member;
  $('partner-box').hidden = !member;
  $('partner-name').textContent = member ? partner.name : '';
}

function markNav(navId) {
  for (const route of Object.values(ROUTES)) {
    if (route.nav === navId) $(route.nav).setAttribute('aria-current', 'page');
    else $(route.nav).removeAttribute('aria-current');
  }
}

function leaveCurrent() {
  current?.view.hide();
  current = null;
}

function render() {
  if (!getSession() || !partner) return; // sign-in and no-partner screens are not routed
  let route = ROUTES[location.hash];
  if (!route) {
    history.replaceState(null, '', DEFAULT_ROUTE);
    route = ROUTES[DEFAULT_ROUTE];
  }
  if (route === current) return;
  leaveCurrent();
  message.clear();
  current = route;
  markNav(route.nav);
  const focusTarget = route.view.show();
  showContainer(route.container, route.title, focusTarget);
}

/** Forgets everything about the signed-in merchant so the next person at the till starts clean. */
function showSignIn(text, kind = 'info') {
  clearSession();
  partner = null;
  leaveCurrent();
  markNav(null);
  for (const view of [signIn, offers, till, redemptions]) view.reset();
  setHeader({ signedIn: false, member: false });
  showContainer('view-sign-in', 'Logga in');
  message.clear();
  if (text) message.say(text, kind);
}

/** Runs after sign-in and on reload with stored tokens: find out which partner this account serves. */
async function enter() {
  message.say('Laddar …');
  let found = null;
  try {
    found = (await gql(MY_PARTNER)).myPartner;
  } catch (err) {
    if (err.code === 'UNAUTHENTICATED') {
      showSignIn('Sessionen har gått ut. Logga in igen.', 'error');
      return;
    }
    if (err.code !== 'FORBIDDEN') {
      message.say(errorText(err), 'error');
      showContainer('view-sign-in', 'Logga in');
      return;
    }
  }
  message.clear();
  if (!found) {
    partner = null;
    setHeader({ signedIn: true, member: false });
    showContainer('view-no-partner', 'Ingen partner');
    message.say('Det här kontot hör inte till någon partner.', 'error');
    return;
  }
  partner = found;
  setHeader({ signedIn: true, member: true });
  render();
}

async function signOut() {
  const button = $('sign-out');
  button.disabled = true;
  try {
    await gql(LOG_OUT);
  } catch {
    // The tokens are forgotten below either way; the server lets them expire.
  } finally {
    button.disabled = false;
  }
  showSignIn('Du är utloggad.');
}

function start() {
  signIn.init({ onSignedIn: enter });
  offers.init();
  till.init();
  redemptions.init();
  onSessionExpired(() => showSignIn('Sessionen har gått ut. Logga in igen.', 'error'));
  $('sign-out').addEventListener('click', signOut);
  window.addEventListener('hashchange', render);
  if (getSession()) enter();
  else showSignIn();
}

start();
