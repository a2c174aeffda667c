// Local validation of JWT access tokens (RFC 9068; docs/directives.md,
// "Local JWT validation"): the development AS with TOKEN_FORMAT=jwt, its
// keys discovered from its metadata, the validation modes, the type and
// algorithm settings, and an attack corpus of tokens crafted here with
// node:crypto.  Claims that the real AS cannot be made to issue (no exp, nbf,
// another iss, other algorithms) come from the fault AS in issuer mode, which
// serves our own JWK Set.  Keys and discovery: 076-jwt-keys.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, createPublicKey } from 'node:crypto';
import { startApache } from './lib/apache.mjs';
import { freePorts, sleep } from './lib/env.mjs';
import { rpc, initializeMessage } from './lib/http.mjs';
import { DESC, assertInvalidToken, assertInsufficientScope, assertInitialized } from './lib/expect.mjs';
import { startAuthServer } from './lib/authserver.mjs';
import { startFaultAS } from './fault-as.mjs';
import { fileSuite } from './lib/suite.mjs';
import { STATUS_LOCATION, counters, delta } from './lib/cachetest.mjs';
import { b64u, decode, jws, newKey, accessToken, withPayload, issuerDocuments } from './lib/jwt.mjs';

const suite = fileSuite('075-jwt');
const { secrets } = suite;
const init = initializeMessage();
const SHORT_TTL = 2;
let as; let fault; let httpd;
const R = {};
// Our own keys: the fault issuer publishes them; the attacks sign with them.
const own = { rs: newKey('RS256'), ps: newKey('PS256'), es: newKey('ES256'), ed: newKey('EdDSA') };
const attacker = newKey('RS256');

before(async () => {
  const [P] = await freePorts(1);
  for (const n of ['auto', 'explicit', 'jwt', 'introspect', 'other', 'strict', 'es', 'exp', 'fi']) R[n] = `http://127.0.0.1:${P}/${n}/mcp`;
  as = suite.started(await startAuthServer({
    name: 'as-075', tokenFormat: 'jwt', shortTtl: SHORT_TTL,
    resources: ['auto', 'explicit', 'jwt', 'introspect', 'other', 'strict', 'es', 'exp'].map((n) => R[n]),
  }));
  suite.addLogs(as.logFile);
  fault = suite.started(await startFaultAS({ resource: R.fi, documents: {} }));
  fault.documents = {
    ...issuerDocuments(fault.url, { keys: Object.values(own).map((k) => k.jwk) }).docs,
    // What a jku or x5u header points to: must never be fetched.
    '/evil/jwks.json': { keys: [attacker.jwk] },
    '/evil/cert.pem': { body: 'not fetched', contentType: 'application/x-pem-file' },
  };
  const loc = (name, lines = '') => `
<Location /${name}/mcp>
  AuthType MCP
  MCPAuthResource ${R[name]}
  ${lines}
  Require valid-user
  SetHandler mcp
</Location>`;
  httpd = suite.started(await startApache({
    name: 'jwt',
    ports: [P],
    modules: ['status'],
    body: `
# Loopback test server only: plain http to the authorization servers.
MCPAuthAllowHTTP         On
MCPAuthIssuer            ${as.issuer}
MCPAuthIntrospectionAuth client_secret_basic mcp-rs dev-secret
MCPAuthRequireScope      mcp:tools
MCPAuthTimeout           3s 1s
${STATUS_LOCATION}
${loc('auto')}
${loc('explicit', `MCPAuthDiscovery Off
  MCPAuthJWKSURL ${as.jwksUrl}
  MCPAuthIntrospectionURL ${as.introspectionUrl}`)}
${loc('jwt', 'MCPAuthValidation jwt')}
${loc('introspect', 'MCPAuthValidation introspect')}
${loc('other')}
${loc('strict', 'MCPAuthJWTStrictType On')}
${loc('es', 'MCPAuthJWTAlgorithms ES256')}
${loc('exp', 'MCPAuthClockSkew 0')}
${loc('fi', `MCPAuthIssuer ${fault.url}`)}
`,
  }));
  suite.addLogs(...httpd.logFiles());
});

after(() => suite.stopAll());

async function token(resource, opts = {}) {
  const t = await as.token({ resource, ...opts });
  secrets.add(t.token, `JWT access token for ${resource}`);
  return t;
}
const forged = (value, label = 'forged token') => secrets.add(value, label);
const call = (resource, t) => rpc(R[resource], init, { token: t });
// The AS's JWK Set, read by the test (a counted GET: only after the first
// test, which counts the module's fetches since the AS started).
let asJwks;
const asKeys = async () => (asJwks ??= await as.jwks());

test('a valid JWT → 200, checked locally: metadata and JWKS discovered once, no introspection; repeated → from the cache', async () => {
  const { token: t } = await token(R.auto);
  assertInitialized(await call('auto', t));
  // Since the AS started: the JWKS once (by the module), no introspection,
  // the metadata once by startAuthServer() and at least once by the module.
  const after1 = await as.counters();
  assert.equal(after1.introspections, 0, `AS counters ${JSON.stringify(after1)}`);
  assert.equal(after1.jwks, 1, `JWKS fetches: ${JSON.stringify(after1)}`);
  assert.ok(after1.metadata >= 2, `metadata fetches: ${JSON.stringify(after1)}`);
  const c0 = await counters(httpd);
  for (let i = 0; i < 5; i++) assertInitialized(await call('auto', t));
  const d = delta(await counters(httpd), c0);
  assert.equal(d.hits, 5, `mod_status counters: ${JSON.stringify(d)}`);
  assert.equal(d.validations, 0, `mod_status counters: ${JSON.stringify(d)}`);
  assert.deepEqual(await as.counters(), after1, 'the AS saw nothing more');
});

test('the AS issues RFC 9068 tokens: typ at+jwt, RS256, a kid of its JWKS, aud = the resource', async () => {
  const { token: t } = await token(R.auto);
  const { header, payload } = decode(t);
  const asJwks = await asKeys();
  assert.deepEqual([header.typ, header.alg], ['at+jwt', 'RS256']);
  assert.ok(asJwks.keys.some((k) => k.kid === header.kid), `kid ${header.kid} in ${JSON.stringify(asJwks.keys.map((k) => k.kid))}`);
  assert.equal(payload.iss, as.issuer);
  assert.equal(payload.aud, R.auto);
  assert.equal(payload.client_id, 'test-cc');
  assert.equal(payload.scope, 'mcp:tools');
  assert.ok(payload.exp > payload.iat);
});

test('a second token of the same key → 200 without fetching anything', async () => {
  const before = await as.counters();
  const { token: t } = await token(R.auto);
  assertInitialized(await call('auto', t));
  assert.deepEqual(await as.counters(), before);
});

test('MCPAuthDiscovery Off with MCPAuthJWKSURL → 200 without reading the metadata', async () => {
  const before = await as.counters();
  const { token: t } = await token(R.explicit);
  assertInitialized(await call('explicit', t));
  const after1 = await as.counters();
  assert.equal(after1.metadata - before.metadata, 0, JSON.stringify(after1));
  assert.equal(after1.introspections - before.introspections, 0, JSON.stringify(after1));
});

test('MCPAuthValidation jwt: an opaque token → 401 "malformed", never introspected', async () => {
  const before = await as.counters();
  const t = forged(randomBytes(32).toString('base64url'), 'an opaque token');
  assertInvalidToken(await call('jwt', t), R.jwt, DESC.tokenMalformed);
  assert.equal((await as.counters()).introspections, before.introspections);
});

test('MCPAuthValidation jwt: a valid JWT → 200', async () => {
  const { token: t } = await token(R.jwt);
  assertInitialized(await call('jwt', t));
});

test('MCPAuthValidation introspect: a valid JWT goes to introspection (the AS says active:false) → 401 "not active"', async () => {
  const { token: t } = await token(R.introspect);
  assertInvalidToken(await call('introspect', t), R.introspect, DESC.inactive);
  assert.equal(await as.introspectionsOf(t), 1);
});

test('auto: a token that is not JWT-shaped goes to introspection → 401 "not active"', async () => {
  const t = forged(randomBytes(32).toString('base64url'), 'an opaque token');
  assertInvalidToken(await call('auto', t), R.auto, DESC.inactive);
  assert.equal(await as.introspectionsOf(t), 1);
});

// ---- the attack corpus, at the auto Location unless said ----------------

async function realParts() {
  const { token: t } = await token(R.auto);
  return { t, ...decode(t) };
}

test('alg "none" / "None" without a signature → 401 "malformed"', async () => {
  const { header, payload } = await realParts();
  for (const alg of ['none', 'None', 'NONE']) {
    const t = forged(jws({ ...header, alg }, payload), `alg ${alg}`);
    assertInvalidToken(await call('auto', t), R.auto, DESC.tokenMalformed);
  }
});

test('alg "none" / "None" with a signature → 401 "signature not valid"', async () => {
  const { header, payload, parts } = await realParts();
  for (const alg of ['none', 'None']) {
    const t = forged(`${b64u({ ...header, alg })}.${b64u(payload)}.${parts[2]}`, `alg ${alg}`);
    assertInvalidToken(await call('auto', t), R.auto, DESC.signature);
  }
});

test('HS256 signed with the AS\'s RSA public key (PEM and JWK forms) → 401 "signature not valid"', async () => {
  const { header, payload } = await realParts();
  const asRsa = (await asKeys()).keys.find((k) => k.kty === 'RSA');
  const pub = createPublicKey({ key: asRsa, format: 'jwk' });
  const secretsToTry = {
    'SPKI PEM': pub.export({ type: 'spki', format: 'pem' }),
    'PKCS#1 PEM': pub.export({ type: 'pkcs1', format: 'pem' }),
    'JWK JSON': JSON.stringify(asRsa),
    'JWK n': asRsa.n,
  };
  for (const [form, secret] of Object.entries(secretsToTry)) {
    for (const alg of ['HS256', 'HS512']) {
      const t = forged(jws({ ...header, alg }, payload, secret), `${alg} with the ${form}`);
      assertInvalidToken(await call('auto', t), R.auto, DESC.signature);
    }
  }
});

test('signed by another key under the AS\'s kid → 401 "signature not valid"', async () => {
  const { header, payload } = await realParts();
  assertInvalidToken(await call('auto', forged(jws(header, payload, attacker.privateKey))), R.auto, DESC.signature);
  const ps = jws({ ...header, alg: 'PS256' }, payload, attacker.privateKey);
  assertInvalidToken(await call('auto', forged(ps)), R.auto, DESC.signature);
});

test('jwk, jku and x5u headers naming the attacker\'s key → 401 "signature not valid", nothing fetched', async () => {
  const { header, payload } = await realParts();
  const variants = [
    { ...header, jwk: attacker.jwk },
    { ...header, kid: attacker.kid, jwk: attacker.jwk },
    (({ kid: _k, ...h }) => ({ ...h, jwk: attacker.jwk }))(header),
    { ...header, kid: attacker.kid, jku: `${fault.url}/evil/jwks.json` },
    { ...header, jku: `${fault.url}/evil/jwks.json` },
    { ...header, kid: attacker.kid, x5u: `${fault.url}/evil/cert.pem` },
  ];
  for (const h of variants) {
    const t = forged(jws(h, payload, attacker.privateKey), `header ${Object.keys(h).join(',')}`);
    assertInvalidToken(await call('auto', t), R.auto, DESC.signature);
  }
  assert.deepEqual(fault.getsOf('/evil/jwks.json'), [], 'jku fetched');
  assert.deepEqual(fault.getsOf('/evil/cert.pem'), [], 'x5u fetched');
});

test('a tampered payload (more scope, another sub, another aud) with the original signature → 401 "signature not valid"', async () => {
  const { t, payload } = await realParts();
  for (const change of [{ scope: 'mcp:tools mcp:admin' }, { sub: 'admin' }, { exp: payload.exp + 3600 }, { aud: R.other }]) {
    const bad = forged(withPayload(t, { ...payload, ...change }), `tampered ${Object.keys(change)}`);
    assertInvalidToken(await call('auto', bad), R.auto, DESC.signature);
  }
});

test('the signature stripped → 401 "malformed"; another token\'s signature → "signature not valid"', async () => {
  const a = await realParts();
  const b = await realParts();
  assertInvalidToken(await call('auto', forged(`${a.parts[0]}.${a.parts[1]}.`)), R.auto, DESC.tokenMalformed);
  assertInvalidToken(await call('auto', forged(`${a.parts[0]}.${a.parts[1]}.${b.parts[2]}`)), R.auto, DESC.signature);
});

test('2 and 4 segments: auto → introspection ("not active"); jwt → "malformed"', async () => {
  const { t, parts } = await realParts();
  const shapes = { '2 segments': `${parts[0]}.${parts[1]}`, '4 segments': `${t}.${parts[2]}` };
  for (const [label, value] of Object.entries(shapes)) {
    forged(value, label);
    assertInvalidToken(await call('auto', value), R.auto, DESC.inactive);
    assert.equal(await as.introspectionsOf(value), 1, `${label}: introspected once`);
    assertInvalidToken(await call('jwt', value), R.jwt, DESC.tokenMalformed);
    assert.equal(await as.introspectionsOf(value), 1, `${label}: not introspected in jwt mode`);
  }
});

test('a JWT-shaped token that is not base64url JSON → 401 "malformed"', async () => {
  for (const value of ['aaaa.bbbb.cccc', `${b64u('[1]')}.${b64u('{}')}.AAAA`, `${b64u('{"alg":"RS256"}')}.${b64u('not json')}.AAAA`]) {
    assertInvalidToken(await call('auto', forged(value, 'garbage JWS')), R.auto, DESC.tokenMalformed);
  }
});

test('an expired token (MCPAuthClockSkew 0) → 200 while valid, then 401 "expired"', async () => {
  const t = await token(R.exp, { client: 'test-cc-short' });
  assert.equal(t.expiresIn, SHORT_TTL);
  assertInitialized(await call('exp', t.token));
  await sleep(Math.max(0, t.obtainedAt + SHORT_TTL * 1000 + 1500 - Date.now()));
  assertInvalidToken(await call('exp', t.token), R.exp, DESC.expired);
});

test('a token for another resource → 401 "not issued for this resource"', async () => {
  const { token: t } = await token(R.other);
  assertInvalidToken(await call('auto', t), R.auto, DESC.audience);
  assertInitialized(await call('other', t));
});

test('typ "JWT" (what Keycloak and Entra ID send) → 200 by default', async () => {
  const lax = await token(R.auto, { client: 'test-cc-typjwt' });
  assert.equal(decode(lax.token).header.typ, 'JWT');
  assertInitialized(await call('auto', lax.token));
});

test('typ "JWT" with MCPAuthJWTStrictType On (RFC 9068 4) → 401 "not a JWT access token"', async () => {
  const strict = await token(R.strict, { client: 'test-cc-typjwt' });
  assert.equal(decode(strict.token).header.typ, 'JWT');
  assertInvalidToken(await call('strict', strict.token), R.strict, DESC.notJwtAccessToken);
});

test('MCPAuthJWTAlgorithms ES256: an RS256 token of the AS → 401 "signature not valid"', async () => {
  const { token: t } = await token(R.es);
  assertInvalidToken(await call('es', t), R.es, DESC.signature);
});

test('a JWT-shaped token longer than MCPAuthMaxTokenSize → 401 "too long"', async () => {
  const { header, payload } = await realParts();
  const t = forged(jws(header, { ...payload, pad: 'x'.repeat(9000) }, attacker.privateKey), 'a long JWT');
  assertInvalidToken(await call('auto', t), R.auto, DESC.tooLong);
});

// ---- claims, with the fault AS as the issuer (our keys) ------------------

const fi = (key, opts = {}) => forged(accessToken(key, { issuer: fault.url, resource: R.fi, ...opts }), `token of the fault issuer (${key.alg})`);

test('fault issuer: RS256, PS256, ES256 and EdDSA tokens of its keys → 200', async () => {
  for (const key of Object.values(own)) assertInitialized(await call('fi', fi(key)));
});

test('fault issuer: typ application/at+jwt → 200', async () => {
  assertInitialized(await call('fi', fi(own.es, { header: { typ: 'application/at+jwt' } })));
});

test('fault issuer: typ absent or Okta\'s → 200; typ dpop+jwt (another kind of JWT) → 401 "not a JWT access token"', async () => {
  assertInitialized(await call('fi', fi(own.es, { header: { typ: null } })));
  assertInitialized(await call('fi', fi(own.es, { header: { typ: 'application/okta-internal-at+jwt' } })));
  assertInvalidToken(await call('fi', fi(own.es, { header: { typ: 'dpop+jwt' } })), R.fi, DESC.notJwtAccessToken);
});

for (const [label, claims, desc] of [
  ['no exp', { exp: null }, DESC.noExpiry],
  ['exp an hour ago', { exp: Math.floor(Date.now() / 1000) - 3600 }, DESC.expired],
  ['nbf an hour ahead', { nbf: Math.floor(Date.now() / 1000) + 3600 }, DESC.notYet],
  ['another iss', { iss: 'http://127.0.0.1:9/another-issuer' }, DESC.issuer],
  ['another aud', { aud: R.other }, DESC.audience],
  ['no aud', { aud: null }, DESC.audience],
  ['no iss', { iss: null }, DESC.issuer],
  ['iat an hour ahead', { iat: Math.floor(Date.now() / 1000) + 3600 }, DESC.notYet],
  ['exp a string', { exp: String(Math.floor(Date.now() / 1000) + 300) }, DESC.tokenMalformed],
  ['aud a number', { aud: 42 }, DESC.tokenMalformed],
]) {
  test(`fault issuer: ${label} → 401 "${desc}"`, async () => {
    assertInvalidToken(await call('fi', fi(own.rs, { claims })), R.fi, desc);
  });
}

test('fault issuer: aud as an array naming the resource → 200; scope without mcp:tools → 403', async () => {
  assertInitialized(await call('fi', fi(own.rs, { claims: { aud: [R.other, R.fi] } })));
  assertInsufficientScope(await call('fi', fi(own.rs, { scope: 'mcp:admin' })), R.fi);
});

test('fault issuer: a kid of one algorithm used with another (ES key, RS256 header) → 401 "signature not valid"', async () => {
  const t = forged(jws({ typ: 'at+jwt', alg: 'RS256', kid: own.es.kid }, decode(fi(own.es)).payload, own.rs.privateKey));
  assertInvalidToken(await call('fi', t), R.fi, DESC.signature);
});

test('no token, secret or Authorization value in any log', async () => {
  assert.deepEqual(await suite.secretFindings(), []);
});
