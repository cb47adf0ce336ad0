// Keeps the redemptions list fresh. The server announces every unlock and redemption of the partner's
// offers through the PartnerRedemptionEvents subscription (graphql-transport-ws at /graphql/ws), and each
// announcement makes us reload the first page. While the socket cannot be used we poll every five seconds
// instead, as before, and try the socket again now and then.

import { gql, renewAccessToken } from './api.js';
import { getSession } from './session.js';
import { PARTNER_REDEMPTIONS, PARTNER_REDEMPTION_EVENTS } from './operations.js';

export const POLL_INTERVAL_MS = 5000;
const RETRY_DELAYS_MS = [5000, 10000, 20000, 40000, 60000]; // socket retries; the last one repeats
const HEARTBEAT_MS = 30000;
const PAGE_SIZE = 50;

/** One page of the partner's redemptions (a cursor connection). */
export async function fetchRedemptions(after = null) {
  const data = await gql(PARTNER_REDEMPTIONS, { first: PAGE_SIZE, after });
  return data.myPartner?.redemptions ?? { edges: [], pageInfo: { hasNextPage: false, endCursor: null } };
}

function socketUrl() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/graphql/ws`;
}

/**
 * Calls onChange(connection) with the first page soon and whenever it changes: live over the
 * subscription, or by polling every five seconds while that is unavailable. Nothing is loaded while the
 * tab is hidden (a hidden tab costs the server next to nothing). Returns a function that stops watching.
 */
export function watchRedemptions(onChange, onError = () => {}) {
  let stopped = false;
  let lastSeen = null;
  let inFlight = false;
  let again = false; // something changed during a load: load once more afterwards
  let pollTimer = 0;
  let socket = null;
  let live = false; // the server acknowledged us, so events arrive and polling is off
  let retryTimer = 0;
  let retries = 0;
  let renewed = false; // one token renewal per acknowledged socket, so a refusal cannot loop
  let heartbeat = 0;
  let heard = true;

  // Events and polling both end up here. Loads never overlap, and a burst of events costs one extra load.
  async function load() {
    if (stopped || document.hidden) return; // becoming visible loads anyway
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    clearTimeout(pollTimer);
    pollTimer = 0;
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
      if (again) {
        again = false;
        load();
      } else {
        schedulePoll();
      }
    }
  }

  function schedulePoll() {
    if (!stopped && !live && !inFlight && !pollTimer && !document.hidden) {
      pollTimer = setTimeout(load, POLL_INTERVAL_MS);
    }
  }

  function connect() {
    retryTimer = 0;
    if (stopped) return;
    // The token goes in connection_init, never in the URL (URLs end up in logs).
    const token = getSession()?.accessToken;
    let ws = null;
    try {
      if (token) ws = new WebSocket(socketUrl(), 'graphql-transport-ws');
    } catch {
      // No WebSocket here (or a URL the browser refuses): polling still works.
    }
    if (!ws) {
      lost();
      return;
    }
    socket = ws;
    heard = true;
    const send = (message) => ws.send(JSON.stringify(message));
    ws.onopen = () => send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
    ws.onclose = (event) => lost(event.code, token);
    ws.onmessage = (event) => {
      heard = true;
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      switch (message?.type) {
        case 'connection_ack':
          live = true;
          retries = 0;
          renewed = false;
          clearTimeout(pollTimer);
          pollTimer = 0;
          send({ id: '1', type: 'subscribe', payload: { query: PARTNER_REDEMPTION_EVENTS } });
          heartbeat = setInterval(checkAlive, HEARTBEAT_MS);
          load(); // whatever happened before the subscription started was never announced
          break;
        case 'next':
          load();
          break;
        case 'ping':
          send({ type: 'pong' });
          break;
        case 'error': // the subscription was refused
        case 'complete': // or ended by the server: either way no more events come
          lost();
          break;
      }
    };
  }

  // A socket can die without a close event (a laptop asleep, a dropped Wi-Fi), and the server only sends
  // pings the browser answers by itself. So we ping too, and treat a silent interval as a lost socket.
  function checkAlive() {
    if (!heard) {
      lost();
      return;
    }
    heard = false;
    socket?.send(JSON.stringify({ type: 'ping' }));
  }

  function closeSocket() {
    clearInterval(heartbeat);
    heartbeat = 0;
    live = false;
    if (!socket) return;
    const ws = socket;
    socket = null;
    ws.onopen = ws.onclose = ws.onmessage = null;
    if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) ws.close(1000);
  }

  // The socket closed (with `code` from the server), failed, or was given up by us.
  function lost(code, token) {
    closeSocket();
    if (stopped) return;
    // 4401: the session ended or the access token expired. 4403: connection_init was refused, which is
    // what a token that expired while we were not connected gets, but also what too many sockets get;
    // hence one renewal and then the slow path. If the session cannot be renewed, api.js ends it and the
    // app stops this watch.
    if ((code === 4401 || code === 4403) && !renewed) {
      renewed = true;
      renewAccessToken(token).then(() => connect(), fallBack);
      return;
    }
    fallBack();
  }

  // Poll now (events may have been missed) and every five seconds, and retry the socket later.
  function fallBack() {
    if (stopped) return;
    load();
    clearTimeout(retryTimer);
    retryTimer = setTimeout(connect, RETRY_DELAYS_MS[Math.min(retries, RETRY_DELAYS_MS.length - 1)]);
    retries += 1;
  }

  function onVisibilityChange() {
    if (document.hidden) {
      clearTimeout(pollTimer);
      pollTimer = 0;
    } else {
      load(); // catch up on what happened while hidden (events too were not loaded then)
    }
  }

  document.addEventListener('visibilitychange', onVisibilityChange);
  connect();
  schedulePoll(); // in case the socket neither opens nor fails for a while
  return () => {
    stopped = true;
    clearTimeout(pollTimer);
    clearTimeout(retryTimer);
    closeSocket();
    document.removeEventListener('visibilitychange', onVisibilityChange);
  };
}
