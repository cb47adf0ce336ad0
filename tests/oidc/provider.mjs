// The OpenID provider the sign-in tests run against: oauth2-mock-server (a real provider process with discovery,
// JWKS, authorization-code flow with PKCE and RS256 ID tokens) on 127.0.0.1, plus a control endpoint on the same port
// through which a test chooses what the next ID token says and how it is spoiled.
//
//   node provider.mjs [port] [--exit-with-stdin]
//
// Port 0 (the default) lets the system choose. Once listening it prints one line,
// `oidc-provider ready issuer=http://127.0.0.1:<port>`. With --exit-with-stdin it stops when its standard input
// closes, so a test process that dies without killing it does not leave it behind.
//
// The authorize endpoint logs nobody in: it redirects straight back to the client with a code (and remembers the
// request's nonce and code challenge for the token exchange). That redirect is the provider log-in step.
//
// Control (JSON bodies, answered with 204):
//   POST /_control/identity  {"sub": "...", "email": "...", "email_verified": true, "name": "..."}
//        claims merged into every later ID token (and the userinfo answer) until the next call replaces them
//   POST /_control/tamper    {"mode": "audience" | "nonce" | "unknown_key" | "expired"}
//        spoils the next ID token only: another `aud`, a wrong `nonce`, a signature by a key that is not in the
//        JWKS (a fresh key with a `kid` of the same form), or an `exp` an hour in the past
//   GET  /_control/unknown-key  the public JWK of that key (for checking the spoiled token is otherwise sound)

import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';

import { decodeProtectedHeader, exportJWK } from 'jose';
import { Events, OAuth2Server } from 'oauth2-mock-server';

const TAMPER_MODES = ['audience', 'nonce', 'unknown_key', 'expired'];

const args = process.argv.slice(2);
const port = Number(args.find((arg) => !arg.startsWith('--')) ?? 0);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`usage: node provider.mjs [port] [--exit-with-stdin] (got port ${port})`);
  process.exit(2);
}

const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');

let identity = {};
let tamper = null;

// The library issues an access token and then an ID token per exchange, both through this hook; the ID token is
// the one whose payload has no `scope`.
server.service.on(Events.BeforeTokenSigning, (token) => {
  if ('scope' in token.payload) return;
  Object.assign(token.payload, identity);
  const now = Math.floor(Date.now() / 1000);
  switch (tamper) {
    case 'audience':
      token.payload.aud = 'another-client';
      tamper = null;
      break;
    case 'nonce':
      token.payload.nonce = `not-the-nonce-${randomBytes(8).toString('hex')}`;
      tamper = null;
      break;
    case 'expired':
      token.payload.iat = now - 7200;
      token.payload.nbf = now - 7210;
      token.payload.exp = now - 3600;
      tamper = null;
      break;
    default:
      // `unknown_key` is applied to the signed token, in BeforeResponse.
      break;
  }
});

// A key the JWKS never lists, with a `kid` of the library's own form (40 random bytes in hex).
const unknownKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const unknownKid = randomBytes(40).toString('hex');

// The library sends the token response right after this hook returns, so the re-signing must be synchronous:
// jose signs asynchronously, node:crypto's `sign` does not (RS256 is RSASSA-PKCS1-v1_5 with SHA-256).
server.service.on(Events.BeforeResponse, (response) => {
  if (tamper !== 'unknown_key' || typeof response.body.id_token !== 'string') return;
  tamper = null;
  const idToken = response.body.id_token;
  const header = { ...decodeProtectedHeader(idToken), kid: unknownKid };
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${idToken.split('.')[1]}`;
  const signature = sign('sha256', Buffer.from(input), unknownKey.privateKey).toString('base64url');
  response.body.id_token = `${input}.${signature}`;
});

server.service.on(Events.BeforeUserinfo, (response) => {
  Object.assign(response.body, identity);
});

// The public half of the unknown key, for checking that such a token is sound but for its key.
server.service.addRoute('GET', '/_control/unknown-key', async (_req, res) => {
  const jwk = await exportJWK(unknownKey.publicKey);
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify({ ...jwk, kid: unknownKid, alg: 'RS256' }));
});

server.service.addRoute('POST', '/_control/identity', (req, res) => {
  if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
    return reply(res, 400, 'expected a JSON object of claims');
  }
  identity = { ...req.body };
  reply(res, 204);
});

server.service.addRoute('POST', '/_control/tamper', (req, res) => {
  const mode = req.body?.mode;
  if (!TAMPER_MODES.includes(mode)) {
    return reply(res, 400, `mode must be one of ${TAMPER_MODES.join(', ')}`);
  }
  tamper = mode;
  reply(res, 204);
});

function reply(res, status, message) {
  res.statusCode = status;
  if (message === undefined) return res.end();
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end(`${message}\n`);
}

await server.start(port, '127.0.0.1');
// The library names a loopback issuer `localhost`, which may resolve to ::1 first; the server only listens on IPv4.
server.issuer.url = `http://127.0.0.1:${server.address().port}`;
console.log(`oidc-provider ready issuer=${server.issuer.url}`);

const stop = () => server.stop().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
if (args.includes('--exit-with-stdin')) {
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
}
