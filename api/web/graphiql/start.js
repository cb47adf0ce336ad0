// Mounts GraphiQL (served from this binary: no request leaves the machine) with a welcome tab. Kept out of the
// HTML so the page needs no inline script under its Content-Security-Policy.
(function () {
  'use strict';

  var WELCOME = [
    '# Welcome to the CoGo API.',
    '#',
    '# Press the run button (or Ctrl-Enter) to list the purposes you can consent to:',
    '# no sign-in is needed for this one.',
    '#',
    '# To act as a user:',
    '#  1. open the "Sign in" tab (the next one), fill in an e-mail and password and run LogIn',
    '#     (or SignUp first to make an account);',
    '#  2. copy `accessToken` from the answer;',
    '#  3. open the Headers pane below the editor and paste',
    '#       { "Authorization": "Bearer <the accessToken>" }',
    '#     Every tab then runs as that user; `me { ... }` shows who you are.',
    '#  An access token lasts 15 minutes: run RefreshSession with the refreshToken for a new one.',
    '#  Headers are not saved in this browser: a reload forgets the token.',
    '#',
    '# The Docs button (top left) shows every query, mutation and type. Subscriptions (myPointsBalance,',
    '# myRedemptionUpdates, partnerRedemptionEvents) run over a WebSocket with the same Authorization header.',
    '',
    'query ConsentPurposes {',
    '  consentPurposes { key legalBasis description }',
    '}',
    '',
  ].join('\n');

  var SIGN_IN = [
    '# Run SignUp once to make an account, then LogIn; copy accessToken into the Headers pane:',
    '#   { "Authorization": "Bearer <the accessToken>" }',
    '',
    'mutation SignUp {',
    '  signUp(input: { name: "You", email: "you@example.com", password: "a long passphrase" }) {',
    '    accessToken',
    '    refreshToken',
    '  }',
    '}',
    '',
    'mutation LogIn {',
    '  logIn(email: "you@example.com", password: "a long passphrase") { accessToken refreshToken user { id name } }',
    '}',
    '',
    'mutation RefreshSession {',
    '  refreshSession(refreshToken: "<the refreshToken>") { accessToken refreshToken }',
    '}',
    '',
    'query Me {',
    '  me { id name email points { balance } }',
    '}',
    '',
  ].join('\n');

  // Subscriptions go over the WebSocket at /graphql/ws; the Headers pane's Authorization reaches the server in
  // connection_init, so a pasted token signs the socket in too.
  var socketUrl = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/graphql/ws';
  var fetcher = GraphiQL.createFetcher({ url: '/graphql', subscriptionUrl: socketUrl });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultTabs: [{ query: WELCOME }, { query: SIGN_IN }],
      defaultEditorToolsVisibility: 'headers',
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
    })
  );
})();
