// Keeps the redemptions list fresh. Today it polls; when the server's PartnerRedemptionEvents
// subscription (graphql-transport-ws at /graphql/ws) is wired up, only watchRedemptions needs
// to change: the view just receives the newest page through onChange.

import { gql } from './api.js';
import { PARTNER_REDEMPTIONS } from './operations.js';

export const POLL_INTERVAL_MS = 5000;
const PAGE_SIZE = 50;

/** One page of the partner's redemptions (a cursor connection). */
export async function fetchRedemptions(after = null) {
  const data = await gql(PARTNER_REDEMPTIONS, { first: PAGE_SIZE, after });
  return data.myPartner?.redemptions ?? { edges: [], pageInfo: { hasNextPage: false, endCursor: null } };
}

/**
 * Calls onChange(connection) with the first page now and whenever it changes, polling every
 * five seconds while the tab is visible (a hidden tab costs the server nothing).
 * Returns a function that stops watching.
 */
export function watchRedemptions(onChange, onError = () => {}) {
  let stopped = false;
  let timer = 0;
  let inFlight = false;
  let lastSeen = null;

  async function poll() {
    timer = 0;
    if (stopped || inFlight || document.hidden) return;
    inFlight = true;
    try {
      const connection = await fetchRedemptions();
      const fingerprint = JSON.stringify(connection);
      // Re-rendering an unchanged table would make screen readers and scroll positions jumpy.
      if (!stopped && fingerprint !== lastSeen) {
        lastSeen = fingerprint;
        onChange(connection);
      }
    } catch (err) {
      if (!stopped) onError(err);
    } finally {
      inFlight = false;
      schedule();
    }
  }

  function schedule() {
    if (!stopped && !timer && !document.hidden) timer = setTimeout(poll, POLL_INTERVAL_MS);
  }

  function onVisibilityChange() {
    if (document.hidden) {
      clearTimeout(timer);
      timer = 0;
    } else if (!timer) {
      poll();
    }
  }

  document.addEventListener('visibilitychange', onVisibilityChange);
  poll();
  return () => {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisibilityChange);
  };
}
