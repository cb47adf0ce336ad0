// Swedish labels and formats for values coming from the API.

export const OFFER_STATUS = { DRAFT: 'Utkast', PUBLISHED: 'Publicerat', ARCHIVED: 'Arkiverat' };
export const OFFER_KIND = { ONE_TIME: 'Engångserbjudande', REUSABLE: 'Återanvändbart' };
export const REDEMPTION_STATUS = { UNLOCKED: 'Ej inlöst', REDEEMED: 'Inlöst' };

const numberFormat = new Intl.NumberFormat('sv-SE');
const dateTimeFormat = new Intl.DateTimeFormat('sv-SE', { dateStyle: 'short', timeStyle: 'short' });

/** The Swedish label for an enum value; the raw value if the server sends something new. */
export function label(labels, value) {
  return labels[value] ?? String(value ?? '–');
}

export function formatNumber(n) {
  return n == null ? '–' : numberFormat.format(n);
}

export function formatPoints(n) {
  return `${formatNumber(n)} poäng`;
}

export function formatDateTime(iso) {
  if (!iso) return '–';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '–' : dateTimeFormat.format(date);
}

/** The value a `datetime-local` input expects (local time, minutes precision). */
export function toLocalInputValue(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
