// Inlösta koder: every code customers unlocked for this partner's offers, kept fresh by live.js.

import { watchRedemptions, fetchRedemptions } from '../live.js';
import { h, message, errorText, withBusy } from '../ui.js';
import { REDEMPTION_STATUS, label, formatDateTime } from '../format.js';

let rowsBody;
let emptyNote;
let moreButton;
let stopWatching = null;
let newest = { edges: [], pageInfo: { hasNextPage: false, endCursor: null } }; // kept live
let older = []; // pages fetched with "Visa fler"; not polled
let olderPageInfo = null;
let failing = false;

export function init() {
  rowsBody = document.querySelector('#redemptions tbody');
  emptyNote = document.getElementById('redemptions-empty');
  moreButton = document.getElementById('redemptions-more');
  moreButton.addEventListener('click', () => withBusy(moreButton, loadOlder));
}

export function show() {
  stopWatching?.();
  stopWatching = watchRedemptions(
    (connection) => {
      newest = connection;
      if (failing) message.clear();
      failing = false;
      render();
    },
    (err) => {
      // Announce a failure once, not every five seconds.
      if (!failing && err.code !== 'UNAUTHENTICATED') message.say(errorText(err), 'error');
      failing = true;
    },
  );
}

export function hide() {
  stopWatching?.();
  stopWatching = null;
}

export function reset() {
  hide();
  newest = { edges: [], pageInfo: { hasNextPage: false, endCursor: null } };
  older = [];
  olderPageInfo = null;
  failing = false;
  rowsBody.replaceChildren();
  emptyNote.hidden = true;
  moreButton.hidden = true;
}

async function loadOlder() {
  const after = (olderPageInfo ?? newest.pageInfo).endCursor;
  try {
    const connection = await fetchRedemptions(after);
    older = older.concat(connection.edges.map((edge) => edge.node));
    olderPageInfo = connection.pageInfo;
    render();
  } catch (err) {
    message.say(errorText(err), 'error');
  }
}

function render() {
  const seen = new Set();
  const rows = [];
  // New codes push older ones onto the second page, so the two lists may overlap.
  for (const redemption of [...newest.edges.map((edge) => edge.node), ...older]) {
    if (seen.has(redemption.id)) continue;
    seen.add(redemption.id);
    rows.push(redemptionRow(redemption));
  }
  rowsBody.replaceChildren(...rows);
  emptyNote.hidden = rows.length > 0;
  const hadFocus = document.activeElement === moreButton;
  moreButton.hidden = !(olderPageInfo ?? newest.pageInfo).hasNextPage;
  if (hadFocus && moreButton.hidden) document.querySelector('#view-redemptions h1').focus();
}

function redemptionRow(redemption) {
  const customer = redemption.customer ?? {};
  return h('tr', { 'data-redemption-id': redemption.id, 'data-status': redemption.status },
    h('th', { scope: 'row', class: 'code' }, redemption.code),
    h('td', {}, redemption.offer?.title ?? '–'),
    h('td', {}, h('span', { class: `badge redemption-${String(redemption.status).toLowerCase()}` },
      label(REDEMPTION_STATUS, redemption.status))),
    h('td', { class: 'when' }, formatDateTime(redemption.unlockedAt)),
    h('td', { class: 'when' }, formatDateTime(redemption.redeemedAt)),
    h('td', { class: 'pseudonym' }, customer.pseudonym ?? '–'),
    // Name and e-mail exist only for one-time offers; otherwise the merchant sees the pseudonym alone.
    h('td', {}, customer.name ?? '–'),
    h('td', { class: 'email' }, customer.email ?? '–'));
}
