// Keys and discovery for local JWT validation (docs/directives.md, "Local JWT
// validation"): key rotation at the real AS (a restart on the same port is a
// new key with a new kid), a flood of unknown kids against MCPAuthKeysCooldown
// across the processes of mpm_prefork, MCPAuthKeysRefresh, and discovery:
// RFC 8414 path insertion and the OpenID Connect fallback, an issuer whose
// metadata names another issuer, metadata that cannot be had.  JWKS and
// metadata fetches are counted at the authorization servers themselves
// (GET /_test/counters of dev/authserver.mjs, the fault AS's request record).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApache, configTest } from './lib/apache.mjs';
import { freePorts, sleep } from './lib/env.mjs';
import { rpc, initializeMessage } from './lib/http.mjs';
import { DESC, challenge, BODY, assertInvalidToken, assertInitialized, assertUnavailable } from './lib/expect.mjs';
import { startAuthServer } from './lib/authserver.mjs';
import { startFaultAS } from './fault-as.mjs';
import { fileSuite } from './lib/suite.mjs';
import { post, tally } from './lib/load.mjs';
import { PID_LOG, servedBy, pidLog } from './lib/cachetest.mjs';
import { decode, newKey, accessToken, issuerDocuments } from './lib/jwt.mjs';

const suite = fileSuite('076-jwt-keys');
const { secrets } = suite;
const init = initializeMessage();
const R = {};
const AS = {};
let fault; let httpd; let prefork; let closedPort;
const own = newKey('ES256');
const attacker = newKey('RS256');

const PREFORK = `<IfModule mpm_prefork_module>
  StartServers         4
  MinSpareServers      4
  MaxSpareServers      8
  ServerLimit          16
  MaxRequestWorkers    16
</IfModule>`;

// Start servers in parallel; every one that started is registered (and so
// stopped by after()) even when another fails.
async function startedAll(promises) {
  const results = await Promise.allSettled(promises);
  for (const r of results) if (r.status === 'fulfilled') suite.started(r.value);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => r.value);
}

before(async () => {
  let P; let PP;
  [P, PP, closedPort] = await freePorts(3); // nothing ever listens on closedPort
  for (const n of ['rot', 'tenant', 'mismatch', 'unreachable', 'missing', 'oidc', 'rfc8414']) R[n] = `http://127.0.0.1:${P}/${n}/mcp`;
  R.flood = `http://127.0.0.1:${PP}/flood/mcp`;
  [AS.rot, AS.flood, AS.tenant, fault] = await startedAll([
    startAuthServer({ name: 'as-076-rot', tokenFormat: 'jwt', resources: [R.rot] }),
    startAuthServer({ name: 'as-076-flood', tokenFormat: 'jwt', resources: [R.flood] }),
    startAuthServer({ name: 'as-076-tenant', tokenFormat: 'jwt', resources: [R.tenant], issuerPath: '/tenant1' }),
    startFaultAS({ documents: {} }),
  ]);
  for (const as of Object.values(AS)) suite.addLogs(as.logFile);
  fault.documents = {
    // The issuer <fault>/ says it is another issuer, in both documents.
    ...issuerDocuments(fault.url, { claimed: 'http://127.0.0.1:9/another-issuer', keys: [own.jwk] }).docs,
    // <fault>/tenant2: OpenID Connect Discovery only; <fault>/tenant3: RFC 8414 only.
    ...issuerDocuments(fault.url, { path: '/tenant2', keys: [own.jwk], rfc8414: false }).docs,
    ...issuerDocuments(fault.url, { path: '/tenant3', keys: [own.jwk], oidc: false }).docs,
  };
  const loc = (name, lines) => `
<Location /${name}/mcp>
  AuthType MCP
  MCPAuthResource ${R[name]}
  ${lines}
  Require valid-user
  SetHandler mcp
</Location>`;
  const common = `
# Loopback test server only: plain http to the authorization servers.
MCPAuthAllowHTTP         On
MCPAuthIntrospectionAuth client_secret_basic mcp-rs dev-secret
MCPAuthRequireScope      mcp:tools
MCPAuthTimeout           2s 1s
${PID_LOG}`;
  [httpd, prefork] = await startedAll([
    startApache({
      name: 'jwt-keys',
      ports: [P],
      body: `${common}
${loc('rot', `MCPAuthIssuer ${AS.rot.issuer}
  MCPAuthKeysCooldown 1s`)}
${loc('tenant', `MCPAuthIssuer ${AS.tenant.issuer}
  MCPAuthKeysRefresh 10s`)}
${loc('mismatch', `MCPAuthIssuer ${fault.url}`)}
${loc('unreachable', `MCPAuthIssuer http://127.0.0.1:${closedPort}`)}
${loc('missing', `MCPAuthIssuer ${fault.url}/nothing-here`)}
${loc('oidc', `MCPAuthIssuer ${fault.url}/tenant2`)}
${loc('rfc8414', `MCPAuthIssuer ${fault.url}/tenant3`)}
`,
    }),
    startApache({
      name: 'jwt-keys-prefork',
      ports: [PP],
      mpm: 'prefork',
      mpmConfig: PREFORK,
      body: `${common}
${loc('flood', `MCPAuthIssuer ${AS.flood.issuer}
  MCPAuthKeysCooldown 10s`)}
`,
    }),
  ]);
  for (const h of [httpd, prefork]) suite.addLogs(...h.logFiles(), `${h.run}/pids.log`);
});

after(() => suite.stopAll());

async function token(as, resource) {
  const t = await as.token({ resource });
  secrets.add(t.token, `JWT access token for ${resource}`);
  return t.token;
}
const forged = (value, label = 'forged token') => secrets.add(value, label);
const call = (name, t) => rpc(R[name], init, { token: t });

test('key rotation: after a restart of the AS with a new key, the next token (new kid) → 200 after exactly one more JWKS fetch', async () => {
  const t1 = await token(AS.rot, R.rot);
  assertInitialized(await call('rot', t1));
  assert.equal((await AS.rot.counters()).jwks, 1, 'JWKS fetches before the rotation');
  await AS.rot.restart();                         // counters start at 0 again
  await sleep(1200);                              // past MCPAuthKeysCooldown 1s
  const t2 = await token(AS.rot, R.rot);
  assert.notEqual(decode(t2).header.kid, decode(t1).header.kid, 'the restart rotated the key');
  assertInitialized(await call('rot', t2));
  assert.equal((await AS.rot.counters()).jwks, 1, 'JWKS fetches after the rotation');
  const t3 = await token(AS.rot, R.rot);
  assertInitialized(await call('rot', t3));
  const c = await AS.rot.counters();
  assert.equal(c.jwks, 1, `a third token needs no fetch: ${JSON.stringify(c)}`);
  assert.equal(c.introspections, 0, JSON.stringify(c));
});

test('unknown-kid flood: 100 tokens with random kids → each 401 "signature not valid"; MCPAuthKeysCooldown 10s → at most one JWKS fetch, across 4 prefork children', async () => {
  assertInitialized(await rpc(R.flood, init, { token: await token(AS.flood, R.flood) }));
  const base = await AS.flood.counters();
  assert.equal(base.jwks, 1, JSON.stringify(base));
  const tokens = Array.from({ length: 100 }, (_, i) => forged(accessToken({ ...attacker, kid: `unknown-${i}-${Math.random().toString(36).slice(2)}` }, {
    issuer: AS.flood.issuer, resource: R.flood,
  }), 'unknown-kid token'));
  const from = pidLog(prefork).length;
  const started = Date.now();
  const results = [];
  let next = 0;
  await Promise.all(Array.from({ length: 10 }, async () => {
    while (next < tokens.length) results.push(await post(R.flood, tokens[next++]));
  }));
  const elapsed = Date.now() - started;
  const c = await AS.flood.counters();
  assert.ok(elapsed < 9000, `the flood took ${elapsed} ms: longer than the cooldown window`);
  assert.deepEqual(tally(results), { 401: 100 });
  for (const r of results) {
    assert.equal(r.headers['www-authenticate'], challenge.invalidToken(R.flood, DESC.signature));
    assert.equal(r.text, BODY.error('invalid_token', DESC.signature));
  }
  assert.ok(c.jwks - base.jwks <= 1, `JWKS fetches during the flood: ${c.jwks - base.jwks} (${JSON.stringify(c)})`);
  const pids = new Set((await servedBy(prefork, from, '/flood/mcp', 100)).map((l) => l.pid));
  assert.ok(pids.size >= 2, `served by ${pids.size} process(es)`);
});

test('discovery with an issuer path (real AS, issuer …/tenant1): RFC 8414 path insertion → 200', async () => {
  const before = AS.tenant.requestLines('/.well-known/oauth-authorization-server/tenant1').length;
  assertInitialized(await call('tenant', await token(AS.tenant, R.tenant)));
  const c = await AS.tenant.counters();
  assert.equal(c.jwks, 1, JSON.stringify(c));
  assert.equal(c.introspections, 0, JSON.stringify(c));
  const lines = AS.tenant.requestLines('/.well-known/oauth-authorization-server/tenant1');
  assert.ok(lines.length > before, `RFC 8414 metadata requests: ${lines.join(' | ')}`);
  assert.equal(AS.tenant.requestLines('/tenant1/jwks').length, 1, 'JWKS under the issuer path');
});

test('MCPAuthKeysRefresh 10s (the minimum): the JWKS is fetched again once it is older than 10 s', async () => {
  const c1 = await AS.tenant.counters();
  assert.equal(c1.jwks, 1, `after the issuer path test: ${JSON.stringify(c1)}`);
  await sleep(10600);
  assertInitialized(await call('tenant', await token(AS.tenant, R.tenant)));
  const c2 = await AS.tenant.counters();
  assert.equal(c2.jwks, 2, JSON.stringify(c2));
});

test('discovery, RFC 8414 only (fault AS, issuer …/tenant3) → 200', async () => {
  assertInitialized(await call('rfc8414', forged(accessToken(own, { issuer: `${fault.url}/tenant3`, resource: R.rfc8414 }))));
  assert.ok(fault.getsOf('/.well-known/oauth-authorization-server/tenant3').length >= 1);
  assert.equal(fault.getsOf('/tenant3/jwks').length, 1);
});

test('discovery, OpenID Connect fallback (fault AS, issuer …/tenant2, no RFC 8414 document) → 200', async () => {
  assertInitialized(await call('oidc', forged(accessToken(own, { issuer: `${fault.url}/tenant2`, resource: R.oidc }))));
  const rfc = fault.getsOf('/.well-known/oauth-authorization-server/tenant2');
  const oidc = fault.getsOf('/tenant2/.well-known/openid-configuration');
  assert.ok(rfc.length >= 1, 'RFC 8414 tried');
  assert.ok(oidc.length >= 1, 'OpenID Connect Discovery used');
  assert.ok(rfc[0].at <= oidc[0].at, 'RFC 8414 first');
  assert.equal(fault.getsOf('/tenant2/jwks').length, 1);
});

test('an issuer whose metadata names another issuer → 503 with Retry-After, its JWKS never fetched', async () => {
  const t = forged(accessToken(own, { issuer: fault.url, resource: R.mismatch }));
  assertUnavailable(await call('mismatch', t));
  assert.ok(fault.getsOf('/.well-known/oauth-authorization-server').length >= 1, 'metadata asked for');
  assert.deepEqual(fault.getsOf('/jwks'), [], 'the JWKS of a mismatched document');
});

test('metadata unreachable (nothing listens) → 503; metadata 404 → 503', async () => {
  assertUnavailable(await call('unreachable', forged(accessToken(own, { issuer: `http://127.0.0.1:${closedPort}`, resource: R.unreachable }))));
  assertUnavailable(await call('missing', forged(accessToken(own, { issuer: `${fault.url}/nothing-here`, resource: R.missing }))));
  assert.ok(fault.getsOf('/.well-known/oauth-authorization-server/nothing-here').length >= 1);
});

test('an opaque token where discovery fails → 503 too (the introspection endpoint is discovered as well)', async () => {
  assertUnavailable(await call('unreachable', forged('opaque-token-for-an-unreachable-issuer', 'an opaque token')));
});

test('startup: MCPAuthValidation jwt with MCPAuthDiscovery Off and no MCPAuthJWKSURL is refused, naming MCPAuthJWKSURL', async () => {
  const { code, output } = await configTest({
    name: 'jwt-no-keys',
    body: `
MCPAuthAllowHTTP On
<Location /mcp>
  AuthType MCP
  MCPAuthResource    http://127.0.0.1:1/mcp
  MCPAuthIssuer      http://127.0.0.1:2
  MCPAuthValidation  jwt
  MCPAuthDiscovery   Off
  Require valid-user
  SetHandler mcp
</Location>`,
  });
  assert.notEqual(code, 0, output);
  assert.match(output, /MCPAuthJWKSURL/);
});

test('no token, secret or Authorization value in any log', async () => {
  assert.deepEqual(await suite.secretFindings(), []);
});
