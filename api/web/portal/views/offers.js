// Erbjudanden: the partner's offers with publish/archive actions, and the form for a new draft.

import { gql } from '../api.js';
import { PARTNER_OFFERS, CREATE_OFFER, PUBLISH_OFFER, ARCHIVE_OFFER } from '../operations.js';
import { h, announcer, message, errorText, withBusy } from '../ui.js';
import { OFFER_STATUS, OFFER_KIND, label, formatNumber, formatPoints, toLocalInputValue } from '../format.js';

const PAGE_SIZE = 50;
// CreateOfferInput field (the server's extensions.field) → the form control that edits it.
const FIELD_INPUTS = {
  title: 'offer-title',
  description: 'offer-description',
  costPoints: 'offer-cost',
  kind: 'offer-kind',
  validFrom: 'offer-valid-from',
  validUntil: 'offer-valid-until',
  totalQuantity: 'offer-quantity',
  perUserLimit: 'offer-per-user-limit',
};
const DAY_MS = 24 * 60 * 60 * 1000;
const $ = (id) => document.getElementById(id);

let list;
let emptyNote;
let moreButton;
let form;
let formResult;
const offers = new Map(); // id → the latest known offer, so a status change can re-render its row
let endCursor = null;
let loadCounter = 0;

export function init() {
  list = $('offers');
  emptyNote = $('offers-empty');
  moreButton = $('offers-more');
  form = $('new-offer');
  formResult = announcer($('new-offer-result'));
  form.addEventListener('submit', create);
  moreButton.addEventListener('click', () => withBusy(moreButton, () => load(endCursor)));
  list.addEventListener('click', onListClick);
  resetForm();
}

export function show() {
  load(null);
}

export function hide() {}

export function reset() {
  offers.clear();
  list.replaceChildren();
  emptyNote.hidden = true;
  moreButton.hidden = true;
  endCursor = null;
  formResult.clear();
  resetForm();
}

async function load(after) {
  const current = ++loadCounter;
  try {
    const data = await gql(PARTNER_OFFERS, { first: PAGE_SIZE, after });
    if (current !== loadCounter) return; // a newer load has replaced this one
    const connection = data.myPartner?.offers;
    if (!connection) return;
    if (!after) offers.clear();
    const rows = connection.edges.map(({ node }) => {
      offers.set(node.id, node);
      return offerRow(node);
    });
    if (after) list.append(...rows);
    else list.replaceChildren(...rows);
    endCursor = connection.pageInfo.endCursor;
    moreButton.hidden = !connection.pageInfo.hasNextPage;
    emptyNote.hidden = list.children.length > 0;
    // "Visa fler" disappears on the last page; keep keyboard focus on the first new offer instead.
    if (after && moreButton.hidden && rows.length > 0) rows[0].querySelector('.title').focus();
  } catch (err) {
    if (current === loadCounter) message.say(errorText(err), 'error');
  }
}

function offerRow(offer) {
  const row = h('li', { class: 'offer', 'data-offer-id': offer.id });
  fillRow(row, offer);
  return row;
}

function fillRow(row, offer) {
  const titleId = `offer-${offer.id}-title`;
  const quantity = offer.totalQuantity == null
    ? 'Obegränsat'
    : `${formatNumber(offer.remainingQuantity)} kvar av ${formatNumber(offer.totalQuantity)}`;
  const fact = (term, value) => [h('dt', {}, term), h('dd', {}, value)];
  const actions = [];
  if (offer.status === 'DRAFT') {
    actions.push(h('button', { type: 'button', class: 'publish', 'aria-describedby': titleId }, 'Publicera'));
  }
  if (offer.status === 'DRAFT' || offer.status === 'PUBLISHED') {
    actions.push(h('button', { type: 'button', class: 'archive secondary', 'aria-describedby': titleId }, 'Arkivera'));
  }
  row.dataset.status = offer.status;
  const parts = [
    h('h3', { class: 'title', id: titleId, tabindex: '-1' }, offer.title),
    h('dl', { class: 'facts' },
      fact('Status', h('span', { class: `badge status-${String(offer.status).toLowerCase()}` }, label(OFFER_STATUS, offer.status))),
      fact('Kostnad', formatPoints(offer.costPoints)),
      fact('Typ', label(OFFER_KIND, offer.kind)),
      fact('Antal', quantity),
      fact('Inlösta', formatNumber(offer.redemptionCount))),
  ];
  if (actions.length > 0) parts.push(h('div', { class: 'actions' }, actions));
  row.replaceChildren(...parts);
}

async function onListClick(event) {
  const button = event.target.closest('button.publish, button.archive');
  if (!button) return;
  const row = button.closest('[data-offer-id]');
  const offer = offers.get(row.dataset.offerId);
  const publishing = button.classList.contains('publish');
  await withBusy(button, async () => {
    try {
      const data = await gql(publishing ? PUBLISH_OFFER : ARCHIVE_OFFER, { id: offer.id });
      Object.assign(offer, publishing ? data.publishOffer : data.archiveOffer);
      fillRow(row, offer);
      message.say(`”${offer.title}” är nu ${label(OFFER_STATUS, offer.status).toLowerCase()}.`, 'success');
      // The pressed button was replaced; keep focus in the same row rather than losing it to <body>.
      row.querySelector('.title').focus();
    } catch (err) {
      message.say(errorText(err), 'error');
    }
  });
}

async function create(event) {
  event.preventDefault();
  markInvalid([]);
  let input;
  try {
    input = readForm();
  } catch (problem) {
    showProblems([{ field: problem.field, text: problem.message }]);
    return;
  }
  await withBusy(form.querySelector('button[type="submit"]'), async () => {
    try {
      const { createOffer } = await gql(CREATE_OFFER, { input });
      formResult.say(`Utkastet ”${createOffer.title}” har skapats. Publicera det i listan när det är klart.`, 'success');
      resetForm();
      await load(null);
    } catch (err) {
      if (err.code !== 'BAD_USER_INPUT') formResult.say(errorText(err), 'error');
      else showProblems(err.errors.map((e) => ({ field: e.extensions?.field, text: e.message })));
    }
  });
}

// Names the field in its on-screen label (the server's text starts with the API field name) and
// marks it invalid, so the message is next to the form and the field is easy to find.
function showProblems(problems) {
  const ids = [];
  const texts = problems.map(({ field, text }) => {
    const id = FIELD_INPUTS[field];
    if (!id) return text;
    ids.push(id);
    const name = document.querySelector(`label[for="${id}"]`).textContent;
    return `${name}: ${String(text).replace(new RegExp(`^${field}:\\s*`), '')}`;
  });
  formResult.say(texts.join(' '), 'error');
  markInvalid(ids);
  if (ids.length > 0) $(ids[0]).focus();
}

function markInvalid(ids) {
  for (const id of Object.values(FIELD_INPUTS)) {
    if (ids.includes(id)) $(id).setAttribute('aria-invalid', 'true');
    else $(id).removeAttribute('aria-invalid');
  }
}

// Only checks what the browser must get right to build the request; the server validates the rest
// (BAD_USER_INPUT), so the rules live in one place.
function readForm() {
  const value = (id) => $(id).value.trim();
  const problem = (field, text) => Object.assign(new Error(text), { field });
  const integer = (field, optional) => {
    const text = value(FIELD_INPUTS[field]);
    if (text === '' && optional) return null;
    if (!/^-?\d+$/.test(text)) throw problem(field, 'ange ett heltal.');
    return Number.parseInt(text, 10);
  };
  const date = (field) => {
    const parsed = new Date(value(FIELD_INPUTS[field]));
    if (Number.isNaN(parsed.getTime())) throw problem(field, 'ange datum och tid.');
    return parsed.toISOString();
  };
  if (!value('offer-title')) throw problem('title', 'ange en titel.');
  if (!value('offer-description')) throw problem('description', 'ange en beskrivning.');
  return {
    title: value('offer-title'),
    description: value('offer-description'),
    costPoints: integer('costPoints', false),
    kind: $('offer-kind').value,
    validFrom: date('validFrom'),
    validUntil: date('validUntil'),
    totalQuantity: integer('totalQuantity', true),
    perUserLimit: integer('perUserLimit', true),
  };
}

function resetForm() {
  form.reset();
  markInvalid([]);
  const now = new Date();
  $('offer-valid-from').value = toLocalInputValue(now);
  $('offer-valid-until').value = toLocalInputValue(new Date(now.getTime() + 30 * DAY_MS));
}
