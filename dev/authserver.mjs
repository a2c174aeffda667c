#!/usr/bin/env node
// Development authorization server for mod_mcp_auth: oidc-provider 9.x on a
// loopback address.  FOR LOCAL DEVELOPMENT AND TESTS ONLY: it logs in a demo
// user without asking anybody, and keeps everything in memory.
//
//   node dev/authserver.mjs                   # issuer http://127.0.0.1:8080
//   TOKEN_FORMAT=jwt node dev/authserver.mjs  # JWT access tokens (RFC 9068)
//
// What it offers (the issuer's /.well-known/oauth-authorization-server lists it):
//   - open dynamic client registration (RFC 7591) at /reg
//   - authorization code flow with PKCE (S256 only, required for every client)
//   - RFC 8707 resource indicators: only the URLs in MCP_RESOURCES are accepted,
//     and a token for resource R has aud = R exactly as the client sent it
//   - opaque access tokens (the default), introspected (RFC 7662) at
//     /token/introspection by the static confidential client "mcp-rs"
//     (client_secret_basic or client_secret_post: oidc-provider accepts either
//     for a client registered with one of them); or, with TOKEN_FORMAT=jwt,
//     RFC 9068 JWT access tokens (header typ "at+jwt", alg RS256 or ES256, a
//     kid; claims iss, aud = the resource, client_id, scope, sub, iat, exp,
//     jti) signed with a key published at the jwks_uri of the metadata (/jwks);
//     they are not introspected: the introspection endpoint says
//     {"active":false} about them
//   - revocation (/token/revocation) and refresh tokens
//   - interactions that approve themselves: /interaction/:uid logs in
//     AS_ACCOUNT and grants what was asked, so a client that follows
//     redirects with a cookie jar finishes the flow without a browser
//
// Environment:
//   AS_HOST           loopback address to bind and to name in the issuer (127.0.0.1)
//   AS_PORT           port (8080); the issuer is http://AS_HOST:AS_PORT
//   MCP_RESOURCES     space-separated resource indicators accepted
//                     (http://127.0.0.1:3000/mcp)
//   RS_SCOPES         scopes of those resources ("mcp:tools mcp:admin")
//   RS_CLIENT_ID      introspection client id (mcp-rs)
//   RS_CLIENT_SECRET  introspection client secret (dev-secret)
//   AS_ACCOUNT        the demo user every authorization logs in (demo-user)
//   AS_TOKEN_TTL      access token lifetime in seconds (600)
//   TOKEN_FORMAT      access token format: opaque (default) or jwt
//   AS_JWT_ALG        signature algorithm of JWT access tokens: RS256 (default)
//                     or ES256.  Both keys are in the JWKS either way.
//   AS_ISSUER_PATH    a path for the issuer, e.g. /tenant1: the issuer is then
//                     http://AS_HOST:AS_PORT/tenant1, every endpoint lives
//                     under that path, and the metadata is served at both
//                     /.well-known/oauth-authorization-server/tenant1 (RFC 8414
//                     path insertion) and /tenant1/.well-known/openid-configuration
//                     (OpenID Connect Discovery)
//   AS_TEST_CLIENTS=1 test conveniences, off by default:
//                       client "test-cc" / "test-cc-secret": client_credentials
//                         grant for any MCP_RESOURCES entry and any RS_SCOPES
//                       client "test-cc-short" / "test-cc-secret": the same, but
//                         its tokens live AS_TEST_SHORT_TTL seconds (2)
//                       client "test-cc-typjwt" / "test-cc-secret": like
//                         test-cc, but its JWT access tokens have the header
//                         typ "JWT" instead of "at+jwt" (TOKEN_FORMAT=jwt)
//                       GET /_test/introspections: how many requests reached
//                         the introspection endpoint, {"total": N}; with
//                         ?sha256=<hex of SHA-256 of a token>, also
//                         "token": N for that token (the token itself never
//                         travels in a URL and is not kept)
//                       GET /_test/counters: requests that reached the
//                         introspection endpoint, the JWKS and the metadata
//                         documents (both well-known names), as
//                         {"introspections": N, "jwks": N, "metadata": N,
//                          "module": {the same, only requests whose
//                          User-Agent starts with "mod_mcp_auth/"}}
//                       (with AS_ISSUER_PATH these two live under it too)
//
// Signing keys (an RSA 2048 key and an EC P-256 key) are new at every start,
// and their kid is derived from their RFC 7638 thumbprint: restarting the
// server on the same port is a key rotation.
//
// One line per request goes to stdout: method, path (never the query), status,
// and the path of a redirect target.  Tokens, codes and secrets never appear.
import http from 'node:http';
import { generateKeyPairSync, createHash } from 'node:crypto';
import Provider, { errors } from 'oidc-provider';

const env = process.env;
const AS_HOST = env.AS_HOST || '127.0.0.1';
const AS_PORT = Number(env.AS_PORT || 8080);
const RESOURCES = (env.MCP_RESOURCES || 'http://127.0.0.1:3000/mcp').split(/\s+/).filter(Boolean);
const RS_SCOPES = (env.RS_SCOPES || 'mcp:tools mcp:admin').split(/\s+/).filter(Boolean);
const RS_CLIENT_ID = env.RS_CLIENT_ID || 'mcp-rs';
const RS_CLIENT_SECRET = env.RS_CLIENT_SECRET || 'dev-secret';
const ACCOUNT = env.AS_ACCOUNT || 'demo-user';
const TOKEN_TTL = Number(env.AS_TOKEN_TTL || 600);
const TEST_CLIENTS = env.AS_TEST_CLIENTS === '1';
const SHORT_TTL = Number(env.AS_TEST_SHORT_TTL || 2);
const TOKEN_FORMAT = (env.TOKEN_FORMAT || 'opaque').toLowerCase();
const JWT_ALG = env.AS_JWT_ALG || 'RS256';
const ISSUER_PATH = (env.AS_ISSUER_PATH || '').replace(/\/+$/, '');

if (!['opaque', 'jwt'].includes(TOKEN_FORMAT)) {
  console.error(`[as] TOKEN_FORMAT=${env.TOKEN_FORMAT}: use opaque or jwt`);
  process.exit(2);
}
if (!['RS256', 'ES256'].includes(JWT_ALG)) {
  console.error(`[as] AS_JWT_ALG=${JWT_ALG}: use RS256 or ES256`);
  process.exit(2);
}
if (ISSUER_PATH && !/^(\/[A-Za-z0-9._~-]+)+$/.test(ISSUER_PATH)) {
  console.error(`[as] AS_ISSUER_PATH=${env.AS_ISSUER_PATH} is not a path like /tenant1`);
  process.exit(2);
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|::1|\[::1\])$/;
if (!LOOPBACK.test(AS_HOST)) {
  console.error(`[as] AS_HOST=${AS_HOST} is not a loopback address; this development server binds loopback only`);
  process.exit(2);
}
if (!Number.isInteger(AS_PORT) || AS_PORT < 1 || AS_PORT > 65535) {
  console.error(`[as] AS_PORT=${env.AS_PORT} is not a port number`);
  process.exit(2);
}
const listenHost = AS_HOST.replace(/^\[(.*)\]$/, '$1');
const hostInUrl = listenHost.includes(':') ? `[${listenHost}]` : listenHost;
const ORIGIN = `http://${hostInUrl}:${AS_PORT}`;
const ISSUER = `${ORIGIN}${ISSUER_PATH}`;

// Signing keys for ID tokens and JWT access tokens, new at every start.  The
// kid is the start of the key's RFC 7638 thumbprint, so that a restart is a
// key rotation (a new kid), never a new key under an old kid.
function signingKey(alg, keyPair) {
  const jwk = keyPair.privateKey.export({ format: 'jwk' });
  const members = jwk.kty === 'RSA' ? ['e', 'kty', 'n'] : ['crv', 'kty', 'x', 'y'];
  const canonical = JSON.stringify(Object.fromEntries(members.map((m) => [m, jwk[m]])));
  const thumbprint = createHash('sha256').update(canonical).digest('base64url');
  return { ...jwk, kid: `${alg.toLowerCase()}-${thumbprint.slice(0, 16)}`, alg, use: 'sig' };
}
const signingKeys = [
  signingKey('RS256', generateKeyPairSync('rsa', { modulusLength: 2048 })),
  signingKey('ES256', generateKeyPairSync('ec', { namedCurve: 'P-256' })),
];

const staticClient = (client_id, client_secret, grant_types, extra = {}) => ({
  client_id,
  client_secret,
  grant_types,
  response_types: [],
  redirect_uris: [],
  token_endpoint_auth_method: 'client_secret_basic', // client_secret_post works too
  ...extra,
});

const clients = [staticClient(RS_CLIENT_ID, RS_CLIENT_SECRET, [])];
if (TEST_CLIENTS) {
  clients.push(staticClient('test-cc', 'test-cc-secret', ['client_credentials'], { scope: RS_SCOPES.join(' ') }));
  clients.push(staticClient('test-cc-short', 'test-cc-secret', ['client_credentials'], { scope: RS_SCOPES.join(' ') }));
  clients.push(staticClient('test-cc-typjwt', 'test-cc-secret', ['client_credentials'], { scope: RS_SCOPES.join(' ') }));
}

const accessTokenTTL = (_ctx, token, client) => {
  if (TEST_CLIENTS && client?.clientId === 'test-cc-short') return SHORT_TTL;
  return token.resourceServer?.accessTokenTTL ?? TOKEN_TTL;
};

const configuration = {
  jwks: { keys: signingKeys },
  // Every scope a client may put in its registration "scope" must be known here.
  scopes: ['openid', 'offline_access', ...RS_SCOPES],
  claims: { openid: ['sub'] },
  clients,
  // A client that registers "scope": "mcp:tools" may later ask for any of
  // RS_SCOPES (step-up), instead of the registered scope being an allow-list.
  // The validator runs for every client before oidc-provider's own checks.
  extraClientMetadata: {
    properties: ['x_dev_scope_widening'],
    validator(_ctx, key, _value, metadata) {
      if (key === 'x_dev_scope_widening' && metadata.scope) {
        metadata.scope = ['openid', 'offline_access', ...RS_SCOPES].join(' ');
      }
    },
  },
  findAccount: async (_ctx, id) => ({ accountId: id, claims: async () => ({ sub: id }) }),
  pkce: { required: () => true },
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  ttl: {
    AccessToken: accessTokenTTL,
    ClientCredentials: accessTokenTTL,
    AuthorizationCode: 60,
    RefreshToken: 3600,
    Interaction: 600,
    Session: 3600,
    Grant: 3600,
    IdToken: 600,
  },
  // Browser-based MCP clients (MCP Inspector) call the token and registration
  // endpoints cross-origin.  Loopback development server: allow any origin.
  clientBasedCORS: (_ctx, origin) => origin !== 'null',
  interactions: { url: async (_ctx, interaction) => `${ISSUER_PATH}/interaction/${interaction.uid}` },
  // Test client test-cc-typjwt: a JWT access token with typ "JWT" (RFC 9068
  // wants "at+jwt"), for resource servers that must refuse it.
  formats: {
    customizers: {
      jwt: async (_ctx, token, jwt) => {
        if (TEST_CLIENTS && token.clientId === 'test-cc-typjwt') jwt.header = { typ: 'JWT' };
      },
    },
  },
  features: {
    devInteractions: { enabled: false },
    registration: { enabled: true },
    revocation: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId },
    // The introspection client may introspect any token; other clients only their own.
    introspection: {
      enabled: true,
      allowedPolicy: async (_ctx, client, token) => client.clientId === RS_CLIENT_ID || token.clientId === client.clientId,
    },
    clientCredentials: { enabled: TEST_CLIENTS },
    resourceIndicators: {
      enabled: true,
      // Without a "resource" parameter, use the one the grant holds.
      defaultResource: async (_ctx, _client, oneOf) => oneOf,
      useGrantedResource: async () => true,
      getResourceServerInfo: async (_ctx, indicator) => {
        if (!RESOURCES.includes(indicator)) {
          throw new errors.InvalidTarget('unknown resource indicator');
        }
        return {
          scope: RS_SCOPES.join(' '),
          audience: indicator, // aud is the resource exactly as requested
          accessTokenTTL: TOKEN_TTL,
          ...(TOKEN_FORMAT === 'jwt'
            ? { accessTokenFormat: 'jwt', jwt: { sign: { alg: JWT_ALG } } }
            : { accessTokenFormat: 'opaque' }),
        };
      },
    },
  },
};

const provider = new Provider(ISSUER, configuration);

// Access log: no query strings (codes, state, PKCE), no headers, no bodies,
// and interaction ids replaced by ":uid".  Paths are logged as clients send
// them (with AS_ISSUER_PATH, under it).
const escapeRe = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const UID_IN_PATH = new RegExp(`^(${escapeRe(ISSUER_PATH)}/(?:interaction|auth)/)[^/]+`);
const logPath = (path) => path.replace(UID_IN_PATH, '$1:uid');
const logTarget = (location) => {
  const u = URL.parse(location, ISSUER);
  if (!u) return '(unparsable)';
  return `${u.origin === ORIGIN ? '' : u.origin}${logPath(u.pathname)}`;
};
provider.use(async (ctx, next) => {
  const started = Date.now();
  try {
    await next();
  } finally {
    const loc = ctx.response.get('location');
    const target = loc ? ` -> ${logTarget(loc)}` : '';
    const path = ctx.req.publicPath ?? `${ISSUER_PATH}${ctx.path}`;
    console.log(`[as] ${ctx.method} ${logPath(path)} ${ctx.status}${target} ${Date.now() - started}ms`);
  }
});

// RFC 7662 2.2: a token the server does not introspect gets {"active":false}.
// oidc-provider answers 400 unsupported_token_type for its own JWT access
// tokens instead; say "not active", as the RFC wants.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path === '/token/introspection' && ctx.method === 'POST' && ctx.status === 400
      && ctx.body?.error === 'unsupported_token_type') {
    ctx.status = 200;
    ctx.body = { active: false };
  }
});

// Test clients only: count the requests that reach the introspection
// endpoint (all of them, and per SHA-256 of the token), the JWKS and the
// metadata documents, and answer GET /_test/introspections and
// GET /_test/counters with the counts.
if (TEST_CLIENTS) {
  const introspections = { total: 0, byToken: new Map() };
  const counters = { introspections: 0, jwks: 0, metadata: 0 };
  const byModule = { introspections: 0, jwks: 0, metadata: 0 };
  const METADATA = new Set(['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']);
  const count = (ctx, what) => {
    counters[what] += 1;
    if (String(ctx.get('user-agent')).startsWith('mod_mcp_auth/')) byModule[what] += 1;
  };
  provider.use(async (ctx, next) => {
    if (ctx.method === 'GET' && (ctx.path === '/_test/introspections' || ctx.path === '/_test/counters')) {
      ctx.status = 200;
      ctx.set('cache-control', 'no-store');
      if (ctx.path === '/_test/counters') {
        ctx.body = { ...counters, module: { ...byModule } };
        return;
      }
      const sha = String(ctx.query.sha256 ?? '').toLowerCase();
      ctx.body = sha ? { total: introspections.total, token: introspections.byToken.get(sha) ?? 0 } : { total: introspections.total };
      return;
    }
    if (ctx.method === 'GET' && ctx.path === '/jwks') count(ctx, 'jwks');
    if (ctx.method === 'GET' && METADATA.has(ctx.path)) count(ctx, 'metadata');
    if (ctx.path !== '/token/introspection' || ctx.method !== 'POST') return next();
    introspections.total += 1;
    count(ctx, 'introspections');
    try {
      await next();
    } finally {
      const token = ctx.oidc?.params?.token;
      if (typeof token === 'string' && token) {
        const sha = createHash('sha256').update(token).digest('hex');
        introspections.byToken.set(sha, (introspections.byToken.get(sha) ?? 0) + 1);
      }
    }
  });
}

// Self-approving interaction: log in ACCOUNT, grant what the client asked for.
provider.use(async (ctx, next) => {
  const m = /^\/interaction\/([^/]+)$/.exec(ctx.path);
  if (!m || ctx.method !== 'GET') return next();
  const { prompt, params, session, grantId } = await provider.interactionDetails(ctx.req, ctx.res);
  let result;
  if (prompt.name === 'login') {
    result = { login: { accountId: ACCOUNT } };
  } else if (prompt.name === 'consent') {
    const grant = grantId
      ? await provider.Grant.find(grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const d = prompt.details;
    if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
    if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(d.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    result = { consent: { grantId: await grant.save() } };
  } else {
    ctx.throw(501, `prompt ${prompt.name} is not handled by the development server`);
  }
  const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: true });
  ctx.status = 303;
  ctx.redirect(returnTo);
});

// oidc-provider reports some errors through events; print only their names.
provider.on('server_error', (_ctx, err) => console.log(`[as] server_error: ${err?.name ?? 'error'}`));

// Without AS_ISSUER_PATH the provider answers everything.  With it, requests
// under the path reach the provider with the path cut off (req.originalUrl
// keeps it, so that oidc-provider builds its URLs under it), the RFC 8414
// metadata location /.well-known/oauth-authorization-server<path> reaches the
// provider's own metadata, and everything else is 404.
const callback = provider.callback();
const RFC8414_AT = `/.well-known/oauth-authorization-server${ISSUER_PATH}`;
const handler = !ISSUER_PATH ? callback : (req, res) => {
  const q = req.url.indexOf('?');
  const pathname = q < 0 ? req.url : req.url.slice(0, q);
  const query = q < 0 ? '' : req.url.slice(q);
  let inner;
  if (pathname === RFC8414_AT) inner = '/.well-known/oauth-authorization-server';
  else if (pathname.startsWith(`${ISSUER_PATH}/`)) inner = pathname.slice(ISSUER_PATH.length);
  if (inner === undefined) {
    console.log(`[as] ${req.method} ${pathname} 404 (outside ${ISSUER_PATH})`);
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"not_found"}');
    return;
  }
  req.publicPath = pathname;
  req.url = `${inner}${query}`;
  req.originalUrl = `${ISSUER_PATH}${req.url}`;
  callback(req, res);
};
const server = http.createServer(handler);
server.on('error', (err) => {
  console.error(`[as] cannot listen on ${AS_HOST}:${AS_PORT}: ${err.code ?? err.message}`);
  process.exit(1);
});
server.listen(AS_PORT, listenHost, () => {
  console.log(`[as] issuer ${ISSUER}`);
  console.log(`[as] resources: ${RESOURCES.join(' ')}; scopes: ${RS_SCOPES.join(' ')}`);
  console.log(`[as] introspection: ${ISSUER}/token/introspection, client ${RS_CLIENT_ID} (client_secret_basic or client_secret_post)`);
  if (TOKEN_FORMAT === 'jwt') {
    console.log(`[as] access tokens: JWT (RFC 9068), ${JWT_ALG}, keys ${signingKeys.map((k) => k.kid).join(' ')} at ${ISSUER}/jwks`);
  } else {
    console.log('[as] access tokens: opaque');
  }
  if (TEST_CLIENTS) console.log(`[as] test clients enabled: test-cc, test-cc-short (ttl ${SHORT_TTL}s), test-cc-typjwt, grant client_credentials`);
  console.log('[as] ready');
});

let stopping = false;
const stop = (signal) => {
  if (stopping) return;
  stopping = true;
  console.log(`[as] ${signal}: shutting down`);
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
