// The identity providers of docs/idp/: Keycloak (the MCP tutorial's set-up),
// Microsoft Entra ID (v2.0 tokens), Auth0 and Okta.  Each provider is a
// loopback fixture (lib/idp.mjs, tests/data/idp/) that serves its metadata at
// the provider's well-known URLs, its JWK Set and, for Keycloak and Okta, its
// introspection endpoint, and signs tokens of the provider's shape with a
// TEST-ONLY key.  Apache is configured with the httpd.conf blocks of
// docs/idp/<provider>.md, read from the pages and changed only in host names,
// ports and placeholders: what passes here is what the pages say.
//
// What this proves: the module handles the shapes these providers send
// (typ, aud as string or array, scope / scp, azp / client_id / cid, issuer
// paths, trailing slashes, discovery URLs, introspection answers).  It does
// not prove that a real tenant is configured as the pages say.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApache } from './lib/apache.mjs';
import { freePorts, sleep } from './lib/env.mjs';
import { request, rpc, initializeMessage } from './lib/http.mjs';
import { DESC, assertNoToken, assertInvalidToken, assertInsufficientScope, assertInitialized, assertUnavailable, prmUrl } from './lib/expect.mjs';
import { startIdp, docBlock, withLines } from './lib/idp.mjs';
import { decode } from './lib/jwt.mjs';
import { fileSuite } from './lib/suite.mjs';

const suite = fileSuite('100-idp');
const { secrets } = suite;
const init = initializeMessage();
const idp = {};     // provider -> fixture server
const R = {};       // location -> resource URL (what clients connect to)
const PORT = {};    // location -> Apache port
let httpd;

const KC_PAGE = 'docs/idp/keycloak.md';
const ENTRA_PAGE = 'docs/idp/entra-id.md';
const AUTH0_PAGE = 'docs/idp/auth0.md';
const OKTA_PAGE = 'docs/idp/okta.md';
const WRONG_SECRET = 'not-the-keycloak-client-secret';

// Start servers in parallel; every one that started is registered (and so
// stopped by after()) even when another fails.
async function startedAll(promises) {
  const results = await Promise.allSettled(promises);
  for (const r of results) if (r.status === 'fulfilled') suite.started(r.value, r.value.logFiles());
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => r.value);
}

before(async () => {
  const names = ['kcIntro', 'kcJwt', 'kcMirror', 'kcBadSecret', 'kcProdIntro', 'kcProdJwt',
    'entra', 'auth0', 'auth0Strict', 'auth0NoSlash', 'oktaJwt', 'oktaStrict', 'oktaIntro'];
  const ports = await freePorts(names.length);
  names.forEach((n, i) => { PORT[n] = ports[i]; });
  // The tutorial's resource is a root resource: http://localhost:3000 there,
  // http://127.0.0.1:<port> here.  The others are https://mcp.example.com/mcp
  // on the pages.
  for (const n of ['kcIntro', 'kcJwt', 'kcMirror', 'kcBadSecret']) R[n] = `http://127.0.0.1:${PORT[n]}`;
  for (const n of names) R[n] ??= `http://127.0.0.1:${PORT[n]}/mcp`;

  [idp.keycloak, idp.entra, idp.auth0, idp.okta] = await startedAll(['keycloak', 'entra', 'auth0', 'okta'].map((p) => startIdp(p)));
  for (const i of Object.values(idp)) {
    if (i.introspectionClient) {
      secrets.add(i.introspectionClient.secret, `${i.provider} introspection client secret`);
      secrets.basic(i.introspectionClient.id, i.introspectionClient.secret);
    }
  }
  secrets.basic(idp.keycloak.introspectionClient.id, WRONG_SECRET);
  const { keycloak: kc, entra, auth0, okta } = idp;
  const E = entra.constants;

  // The pages' placeholders → this run's servers.
  const tutorial = (n, secret = kc.introspectionClient.secret) => [
    ['http://localhost:3000', R[n]],
    ['http://localhost:8080/realms/master', kc.issuer],
    ['<client-secret>', secret],
  ];
  const kcProd = (n) => [['https://mcp.example.com/mcp', R[n]], ['https://auth.example.com/realms/mcp', kc.issuer],
    ['<client-secret>', kc.introspectionClient.secret]];
  const entraSubs = [['https://mcp.example.com/mcp', R.entra], ['https://login.microsoftonline.com/<tenant-id>/v2.0', entra.issuer],
    ['<api-client-id>', E.apiClientId]];
  const auth0Subs = (n, issuer = auth0.issuer) => [['https://mcp.example.com/mcp', R[n]], ['https://example.us.auth0.com/', issuer]];
  const oktaSubs = (n) => [['https://mcp.example.com/mcp', R[n]], ['https://example.okta.com/oauth2/default', okta.issuer],
    ['<client-id>', okta.introspectionClient.id], ['<client-secret>', okta.introspectionClient.secret]];

  // The pages' https URLs become http on loopback: that needs MCPAuthAllowHTTP
  // (the tutorial's blocks carry it themselves).
  const HTTP = '# loopback test server: the page\'s https URLs are http here\nMCPAuthAllowHTTP On\n';
  const vhost = (n, conf, extra = '') => `<VirtualHost 127.0.0.1:${PORT[n]}>\n${extra}${conf}</VirtualHost>\n`;
  const body = [
    vhost('kcIntro', docBlock(KC_PAGE, 'keycloak-tutorial-introspect', tutorial('kcIntro'))),
    vhost('kcJwt', docBlock(KC_PAGE, 'keycloak-tutorial-jwt', tutorial('kcJwt'))),
    vhost('kcMirror', withLines(docBlock(KC_PAGE, 'keycloak-tutorial-jwt', tutorial('kcMirror')), docBlock(KC_PAGE, 'keycloak-mirror'))),
    vhost('kcBadSecret', docBlock(KC_PAGE, 'keycloak-tutorial-introspect', tutorial('kcBadSecret', WRONG_SECRET))),
    vhost('kcProdIntro', docBlock(KC_PAGE, 'keycloak-introspect', kcProd('kcProdIntro')), HTTP),
    vhost('kcProdJwt', docBlock(KC_PAGE, 'keycloak-jwt', kcProd('kcProdJwt')), HTTP),
    vhost('entra', docBlock(ENTRA_PAGE, 'entra-id', entraSubs), HTTP),
    vhost('auth0', docBlock(AUTH0_PAGE, 'auth0', auth0Subs('auth0')), HTTP),
    vhost('auth0Strict', withLines(docBlock(AUTH0_PAGE, 'auth0', auth0Subs('auth0Strict')), docBlock(AUTH0_PAGE, 'auth0-strict')), HTTP),
    // The pitfall of the page: the issuer without its trailing slash.
    vhost('auth0NoSlash', docBlock(AUTH0_PAGE, 'auth0', auth0Subs('auth0NoSlash', auth0.origin)), HTTP),
    vhost('oktaJwt', docBlock(OKTA_PAGE, 'okta-jwt', oktaSubs('oktaJwt')), HTTP),
    vhost('oktaStrict', withLines(docBlock(OKTA_PAGE, 'okta-jwt', oktaSubs('oktaStrict')), 'MCPAuthJWTStrictType On'), HTTP),
    vhost('oktaIntro', docBlock(OKTA_PAGE, 'okta-introspect', oktaSubs('oktaIntro')), HTTP),
  ].join('\n');
  httpd = suite.started(await startApache({ name: 'idp', ports: Object.values(PORT), body }));
  suite.addLogs(...httpd.logFiles());
});

after(() => suite.stopAll());

// A token of a provider's shape for a location's resource (recorded as a secret).
function token(provider, loc, opts = {}) {
  const t = idp[provider].sign({ resource: R[loc], ...opts });
  return secrets.add(t, `${provider} ${opts.variant ?? 'default'} token`);
}
const call = (loc, t) => rpc(R[loc], init, { token: t });
const uniqueSub = (what) => `${what}-${Math.random().toString(36).slice(2, 10)}`;

// The access log line of the request of a subject (Apache writes it just
// after the answer): { sub, client, scope }.
async function logOf(sub) {
  for (let i = 0; i < 100; i++) {
    const line = httpd.accessLogLines().find((l) => l.includes(` sub=${sub} `));
    if (line) {
      const m = / (\d{3}) sub=(\S+) client=(\S+) scope="([^"]*)"$/.exec(line);
      return { status: Number(m[1]), sub: m[2], client: m[3], scope: m[4] };
    }
    await sleep(20);
  }
  throw new Error(`no access log line for sub=${sub}`);
}

// The metadata and key requests the module made to a fixture, in order.
const fetchesOf = (i) => i.requests.filter((r) => r.kind !== 'introspection').map((r) => `${r.status} ${r.path}`);

// ---- Keycloak: the tutorial ---------------------------------------------------

test('Keycloak fixture: the tutorial token re-signed keeps the tutorial\'s header byte for byte and its claims in order', () => {
  const kc = idp.keycloak;
  const t = token('keycloak', 'kcJwt', { variant: 'tutorial', unique: false });
  const [h] = t.split('.');
  assert.equal(Buffer.from(h, 'base64url').toString(), '{"alg":"RS256","typ" : "JWT","kid" : "5N710l5YnLZMwXfuVRJXkBKvY36sorgDnlrirgkeLys"}');
  const { payload } = decode(t);
  assert.deepEqual(Object.keys(payload), ['exp', 'iat', 'auth_time', 'jti', 'iss', 'aud', 'sub', 'typ', 'azp', 'sid', 'scope']);
  assert.equal(payload.iss, kc.issuer);
  assert.ok(kc.issuer.endsWith('/realms/master'));
  assert.equal(payload.aud, R.kcJwt);
  assert.equal(payload.exp - payload.iat, 60, 'the tutorial token lives 60 s');
  assert.equal(payload.iat - payload.auth_time, 1869);
  assert.equal(payload.jti, 'onrtac:b34080ff-8404-6867-81be-1231b50593a8');
  assert.deepEqual([payload.typ, payload.azp, payload.scope], ['Bearer', '7975a5b6-8b59-4a85-9cba-8faebdab8974', 'mcp:tools']);
});

test('Keycloak tutorial (root resource): metadata at /.well-known/oauth-protected-resource, and the 401 points there', async () => {
  for (const loc of ['kcIntro', 'kcJwt']) {
    const res = await request(`${R[loc]}/.well-known/oauth-protected-resource`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json(), {
      resource: R[loc],
      authorization_servers: [idp.keycloak.issuer],
      scopes_supported: ['mcp:tools'],
      bearer_methods_supported: ['header'],
      resource_name: 'MCP Demo Server',
    });
    assert.ok(res.text.includes(`"resource":"${R[loc]}"`), 'resource byte-exact, no trailing slash added');
    assert.equal(prmUrl(R[loc]), `${R[loc]}/.well-known/oauth-protected-resource`);
    assertNoToken(await rpc(`${R[loc]}/`, init), R[loc]);
  }
});

test('Keycloak tutorial, JWT: the tutorial\'s token → 200; discovery: RFC 8414 URL 404, then the realm\'s openid-configuration; the enc key is skipped', async () => {
  const kc = idp.keycloak;
  const sub = uniqueSub('kc-tutorial');
  assertInitialized(await call('kcJwt', token('keycloak', 'kcJwt', { variant: 'tutorial', claims: { sub } })));
  const fetches = fetchesOf(kc);
  assert.deepEqual(fetches.slice(0, 3), [
    '404 /.well-known/oauth-authorization-server/realms/master',
    '200 /realms/master/.well-known/openid-configuration',
    '200 /realms/master/protocol/openid-connect/certs',
  ], JSON.stringify(fetches));
  assert.equal(kc.requestsTo('introspection').length, 0);
  assert.match(httpd.errorLog(), new RegExp(`MCP00604.*JWK Set at ${kc.jwksUrl}: 1 key\\(s\\) not usable`));
  assert.deepEqual(await logOf(sub), { status: 200, sub, client: '7975a5b6-8b59-4a85-9cba-8faebdab8974', scope: 'mcp:tools' });
});

test('Keycloak tutorial, JWT: the typical token, aud ["<resource>","account"], and aud with a trailing slash → 200', async () => {
  assertInitialized(await call('kcJwt', token('keycloak', 'kcJwt')));
  assertInitialized(await call('kcJwt', token('keycloak', 'kcJwt', { variant: 'account-audience' })));
  const slash = token('keycloak', 'kcJwt', { resource: `${R.kcJwt}/` });
  assert.equal(decode(slash).payload.aud, `http://127.0.0.1:${PORT.kcJwt}/`);
  assertInitialized(await call('kcJwt', slash));
  assertInitialized(await call('kcJwt', token('keycloak', 'kcJwt', { variant: 'tutorial', resource: `${R.kcJwt}/` })));
});

test('Keycloak tutorial, JWT: a token for another API (aud "account", no audience mapper) → 401 audience; another path of the host → 401 audience', async () => {
  assertInvalidToken(await call('kcJwt', token('keycloak', 'kcJwt', { variant: 'other-api' })), R.kcJwt, DESC.audience);
  assertInvalidToken(await call('kcJwt', token('keycloak', 'kcJwt', { resource: `${R.kcJwt}/other` })), R.kcJwt, DESC.audience);
  assertInvalidToken(await call('kcJwt', token('keycloak', 'kcJwt', { resource: 'http://localhost:3000' })), R.kcJwt, DESC.audience);
});

test('Keycloak tutorial, JWT: wrong issuer, expired, mcp:tools missing, another provider\'s key', async () => {
  assertInvalidToken(await call('kcJwt', token('keycloak', 'kcJwt', { claims: { iss: `${idp.keycloak.origin}/realms/other` } })), R.kcJwt, DESC.issuer);
  assertInvalidToken(await call('kcJwt', token('keycloak', 'kcJwt', { variant: 'tutorial', lifetime: -120 })), R.kcJwt, DESC.expired);
  assertInsufficientScope(await call('kcJwt', token('keycloak', 'kcJwt', { claims: { scope: 'profile email' } })), R.kcJwt);
  assertInvalidToken(await call('kcJwt', token('keycloak', 'kcJwt', { key: idp.auth0.fixture.key })), R.kcJwt, DESC.signature);
});

test('Keycloak tutorial, introspection: the tutorial\'s token → 200 after one introspection with client_secret_basic; the answer\'s client_id is the client', async () => {
  const kc = idp.keycloak;
  const sub = uniqueSub('kc-introspected');
  const t = token('keycloak', 'kcIntro', { variant: 'tutorial', claims: { sub } });
  assertInitialized(await call('kcIntro', t));
  const calls = kc.introspectionsOf(t);
  assert.equal(calls.length, 1);
  assert.equal(calls[0].auth, 'ok');
  assert.equal(calls[0].path, '/realms/master/protocol/openid-connect/token/introspect');
  assert.equal(calls[0].tokenTypeHint, 'access_token');
  assert.deepEqual(await logOf(sub), { status: 200, sub, client: '7975a5b6-8b59-4a85-9cba-8faebdab8974', scope: 'mcp:tools' });
  assertInitialized(await call('kcIntro', t));
  assert.equal(kc.introspectionsOf(t).length, 1, 'the verdict is cached');
});

test('Keycloak tutorial, introspection: another API\'s token → 401 audience; a revoked token → 401 not active; a trailing-slash audience → 200', async () => {
  const kc = idp.keycloak;
  assertInvalidToken(await call('kcIntro', token('keycloak', 'kcIntro', { variant: 'other-api' })), R.kcIntro, DESC.audience);
  const revoked = token('keycloak', 'kcIntro');
  kc.revoke(revoked);
  assertInvalidToken(await call('kcIntro', revoked), R.kcIntro, DESC.inactive);
  assert.equal(kc.introspectionsOf(revoked).length, 1);
  assertInitialized(await call('kcIntro', token('keycloak', 'kcIntro', { variant: 'account-audience', resource: `${R.kcIntro}/` })));
});

test('Keycloak tutorial, introspection with a wrong client secret: Keycloak\'s 401 → 503 with Retry-After, not a 401', async () => {
  const t = token('keycloak', 'kcBadSecret');
  assertUnavailable(await call('kcBadSecret', t));
  const calls = idp.keycloak.introspectionsOf(t);
  assert.equal(calls.length, 1);
  assert.equal(calls[0].auth, 'bad');
  assert.equal(calls[0].status, 401);
});

test('MCPAuthASMetadataMirror On (keycloak-mirror): Keycloak\'s metadata byte for byte at /.well-known/oauth-authorization-server', async () => {
  const kc = idp.keycloak;
  // The module discovers the metadata (if no token did it yet) and serves it.
  const res = await request(`${R.kcMirror}/.well-known/oauth-authorization-server`);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.text, kc.metadataText('openid-configuration'));
  assert.equal(res.headers['content-type'], 'application/json');
  assert.equal(res.headers['access-control-allow-origin'], '*');
  assert.equal(res.json().issuer, kc.issuer);
  // The location itself works as before.
  assertInitialized(await call('kcMirror', token('keycloak', 'kcMirror', { variant: 'tutorial' })));
});

test('MCPAuthASMetadataMirror off (the default): no metadata at /.well-known/oauth-authorization-server (root resource: inside <Location />, 401; /mcp resource: 404)', async () => {
  const root = await request(`${R.kcJwt}/.well-known/oauth-authorization-server`);
  assertNoToken(root, R.kcJwt);
  const sub = await request(`http://127.0.0.1:${PORT.kcProdJwt}/.well-known/oauth-authorization-server`);
  assert.equal(sub.status, 404, sub.text);
  assert.ok(!sub.text.includes(idp.keycloak.issuer));
});

// ---- Keycloak: production blocks -------------------------------------------

test('Keycloak production blocks (/mcp): a valid token → 200 in both modes, another API\'s → 401 audience', async () => {
  for (const loc of ['kcProdJwt', 'kcProdIntro']) {
    assertInitialized(await call(loc, token('keycloak', loc)));
    assertInitialized(await call(loc, token('keycloak', loc, { variant: 'account-audience' })));
    assertInvalidToken(await call(loc, token('keycloak', loc, { variant: 'other-api' })), R[loc], DESC.audience);
    // /mcp is not a root resource: the trailing slash is another path.
    assertInvalidToken(await call(loc, token('keycloak', loc, { resource: `${R[loc]}/` })), R[loc], DESC.audience);
  }
  const res = await request(`http://127.0.0.1:${PORT.kcProdJwt}/.well-known/oauth-protected-resource/mcp`);
  assert.equal(res.json().resource, R.kcProdJwt);
});

// ---- Microsoft Entra ID (v2.0) ------------------------------------------------

const ENTRA_SCOPE = () => `api://${idp.entra.constants.apiClientId}/mcp.tools`;

test('Entra ID: metadata publishes the resource and the full scope name, not the aliases', async () => {
  const res = await request(`http://127.0.0.1:${PORT.entra}/.well-known/oauth-protected-resource/mcp`);
  assert.deepEqual(res.json(), {
    resource: R.entra,
    authorization_servers: [idp.entra.issuer],
    scopes_supported: [ENTRA_SCOPE()],
    bearer_methods_supported: ['header'],
  });
  assertNoToken(await rpc(R.entra, init), R.entra, ENTRA_SCOPE());
});

test('Entra ID: a v2.0 token (aud = the API\'s client id, scp "mcp.tools", typ JWT) → 200; discovery from the tenant\'s v2.0 document', async () => {
  const entra = idp.entra;
  const sub = uniqueSub('entra');
  const t = token('entra', 'entra', { claims: { sub } });
  const { header, payload } = decode(t);
  assert.deepEqual([header.typ, payload.ver, payload.aud, payload.scp], ['JWT', '2.0', entra.constants.apiClientId, 'mcp.tools']);
  assert.equal(payload.iss, `${entra.origin}/${entra.constants.tenant}/v2.0`);
  assertInitialized(await call('entra', t));
  assert.deepEqual(fetchesOf(entra).slice(0, 3), [
    `404 /.well-known/oauth-authorization-server/${entra.constants.tenant}/v2.0`,
    `200 /${entra.constants.tenant}/v2.0/.well-known/openid-configuration`,
    `200 /${entra.constants.tenant}/discovery/v2.0/keys`,
  ]);
  assert.deepEqual(await logOf(sub), { status: 200, sub, client: entra.constants.clientAppId, scope: 'mcp.tools' });
});

test('Entra ID: aud api://<client-id> → 200', async () => {
  assertInitialized(await call('entra', token('entra', 'entra', { variant: 'v2-app-id-uri' })));
});

test('Entra ID: tokens for other APIs (another app, Microsoft Graph) → 401 audience; a v1.0 issuer → 401 issuer; no mcp.tools → 403', async () => {
  const S = ENTRA_SCOPE();
  assertInvalidToken(await call('entra', token('entra', 'entra', { variant: 'other-api' })), R.entra, DESC.audience, S);
  for (const aud of ['00000003-0000-0000-c000-000000000000', 'https://graph.microsoft.com']) {
    assertInvalidToken(await call('entra', token('entra', 'entra', { claims: { aud, scp: 'User.Read' } })), R.entra, DESC.audience, S);
  }
  assertInvalidToken(await call('entra', token('entra', 'entra', { claims: { iss: `https://sts.windows.net/${idp.entra.constants.tenant}/` } })), R.entra, DESC.issuer, S);
  assertInsufficientScope(await call('entra', token('entra', 'entra', { claims: { scp: 'User.Read' } })), R.entra, S);
});

// ---- Auth0 ----------------------------------------------------------------------

test('Auth0: the RFC 9068 profile (typ at+jwt, client_id) and the Auth0 profile (typ JWT, azp) → 200; discovery takes the RFC 8414 document at the root', async () => {
  const a = idp.auth0;
  const sub1 = uniqueSub('auth0-rfc9068');
  const sub2 = uniqueSub('auth0-profile');
  const t1 = token('auth0', 'auth0', { variant: 'rfc9068', claims: { sub: sub1 } });
  assert.deepEqual(decode(t1).payload.aud, [R.auth0, `${a.origin}/userinfo`]);
  assert.equal(decode(t1).payload.iss, `${a.origin}/`);
  assertInitialized(await call('auth0', t1));
  assertInitialized(await call('auth0', token('auth0', 'auth0', { variant: 'auth0', claims: { sub: sub2 } })));
  assert.equal((await logOf(sub1)).client, a.constants.clientId);
  assert.equal((await logOf(sub2)).client, a.constants.clientId);
  const fetches = fetchesOf(a);
  assert.deepEqual(fetches.slice(0, 2), ['200 /.well-known/oauth-authorization-server', '200 /.well-known/jwks.json'], JSON.stringify(fetches));
  assert.ok(!fetches.some((f) => f.endsWith('/openid-configuration')), JSON.stringify(fetches));
});

test('Auth0: a token for another API → 401 audience', async () => {
  assertInvalidToken(await call('auth0', token('auth0', 'auth0', { variant: 'other-api' })), R.auth0, DESC.audience);
});

test('Auth0 with MCPAuthJWTStrictType On (auth0-strict): RFC 9068 profile → 200, Auth0 profile (typ JWT) → 401 "not a JWT access token"', async () => {
  assertInitialized(await call('auth0Strict', token('auth0', 'auth0Strict', { variant: 'rfc9068' })));
  assertInvalidToken(await call('auth0Strict', token('auth0', 'auth0Strict', { variant: 'auth0' })), R.auth0Strict, DESC.notJwtAccessToken);
});

test('Auth0 pitfall: MCPAuthIssuer without the trailing slash → 503 (the metadata names another issuer), MCP00602 logged', async () => {
  const mark = httpd.mark();
  assertUnavailable(await call('auth0NoSlash', token('auth0', 'auth0NoSlash', { claims: { iss: idp.auth0.origin } })));
  assert.match(httpd.errorLogSince(mark), new RegExp(`MCP00602.*cannot discover the metadata of issuer ${idp.auth0.origin}:`));
});

// ---- Okta ---------------------------------------------------------------------

test('Okta, JWT: no typ and typ application/okta-internal-at+jwt → 200 by default; scp as an array; cid is the client id', async () => {
  const o = idp.okta;
  const sub = uniqueSub('okta');
  const t = token('okta', 'oktaJwt', { claims: { sub } });
  assert.equal(decode(t).header.typ, undefined);
  assertInitialized(await call('oktaJwt', t));
  const internal = token('okta', 'oktaJwt', { variant: 'internal-typ' });
  assert.equal(decode(internal).header.typ, 'application/okta-internal-at+jwt');
  assertInitialized(await call('oktaJwt', internal));
  assert.deepEqual(await logOf(sub), { status: 200, sub, client: '0oa1b2c3d4e5F6g7H8i9', scope: 'mcp:tools openid' });
  const fetches = fetchesOf(o);
  assert.deepEqual(fetches.slice(0, 3), [
    '404 /.well-known/oauth-authorization-server/oauth2/default',
    '200 /oauth2/default/.well-known/openid-configuration',
    '200 /oauth2/default/v1/keys',
  ], JSON.stringify(fetches));
});

test('Okta, JWT: a token with the default audience api://default (another API) → 401 audience', async () => {
  assertInvalidToken(await call('oktaJwt', token('okta', 'oktaJwt', { variant: 'other-api' })), R.oktaJwt, DESC.audience);
});

test('Okta with MCPAuthJWTStrictType On: both Okta typ forms → 401 "not a JWT access token"', async () => {
  for (const variant of ['internal-typ', 'custom-as']) {
    assertInvalidToken(await call('oktaStrict', token('okta', 'oktaStrict', { variant })), R.oktaStrict, DESC.notJwtAccessToken);
  }
  assertInitialized(await call('oktaStrict', token('okta', 'oktaStrict', { header: { typ: 'at+jwt' } })));
});

test('Okta, introspection: → 200 after one introspection (client_secret_basic); the answer\'s client_id is the client; another API → 401 audience', async () => {
  const o = idp.okta;
  const sub = uniqueSub('okta-introspected');
  const t = token('okta', 'oktaIntro', { variant: 'internal-typ', claims: { sub } });
  assertInitialized(await call('oktaIntro', t));
  const calls = o.introspectionsOf(t);
  assert.equal(calls.length, 1);
  assert.equal(calls[0].auth, 'ok');
  assert.equal(calls[0].path, '/oauth2/default/v1/introspect');
  assert.deepEqual(await logOf(sub), { status: 200, sub, client: o.constants.clientId, scope: 'mcp:tools openid' });
  assertInvalidToken(await call('oktaIntro', token('okta', 'oktaIntro', { variant: 'other-api' })), R.oktaIntro, DESC.audience);
});

// ---- every provider -------------------------------------------------------------

test('every provider: its token with typ dpop+jwt → 401 "not a JWT access token"', async () => {
  for (const [provider, loc] of [['keycloak', 'kcJwt'], ['entra', 'entra'], ['auth0', 'auth0'], ['okta', 'oktaJwt']]) {
    const scope = provider === 'entra' ? ENTRA_SCOPE() : 'mcp:tools';
    assertInvalidToken(await call(loc, token(provider, loc, { header: { typ: 'dpop+jwt' } })), R[loc], DESC.notJwtAccessToken, scope);
  }
});

test('no token, secret or Authorization value in any log', async () => {
  assert.deepEqual(await suite.secretFindings(), []);
});
