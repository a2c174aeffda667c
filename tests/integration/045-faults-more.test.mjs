// More faults of the authorization server and of the things around Apache
// (docs/security.md, "Fault matrix"), each with the answer it must give and
// no crash:
//   - an introspection endpoint that answers one byte every 200 ms: 503
//     after MCPAuthTimeout, and the worker is free again (cached tokens are
//     served meanwhile, and right after);
//   - a JWK Set endpoint and a metadata document that accept and never
//     answer (or drip): 503 after MCPAuthTimeout per call (concurrent
//     requests with one token wait for one discovery, 2 calls in all);
//   - JWK Sets that are garbage, not a set, HTTP 500, empty, or hold only
//     keys that cannot verify: 503 (no usable document) or 401 (signature
//     not valid), never 200;
//   - TLS: an https introspection endpoint whose certificate is self-signed
//     for another name: the handshake fails, 503, the token never sent
//     (libcurl uses the system's CA store, which this test leaves alone:
//     the chain fails before the name is compared); an http:// URL without
//     MCPAuthAllowHTTP is refused at startup: 070-config-errors, "an
//     http:// introspection URL without MCPAuthAllowHTTP On";
//   - redis (the shared verdict cache) killed under load and restarted;
//   - Apache stopped (SIGTERM) under load, event and prefork.
// Every Apache of the file is checked for crashed children at the end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import path from 'node:path';
import { startApache } from './lib/apache.mjs';
import { freePorts, sleep, makeRunDir, childPids } from './lib/env.mjs';
import { rpc, initializeMessage } from './lib/http.mjs';
import { DESC, assertInvalidToken, assertUnavailable, assertInitialized } from './lib/expect.mjs';
import { startFaultAS } from './fault-as.mjs';
import { startRedis } from './lib/cacheservers.mjs';
import { fileSuite } from './lib/suite.mjs';
import { post, tally, until } from './lib/load.mjs';
import { cacheWarnings } from './lib/cachetest.mjs';
import { newKey, accessToken, jws, issuerDocuments } from './lib/jwt.mjs';

const suite = fileSuite('045-faults-more');
const { secrets } = suite;
const init = initializeMessage();
const R = {};
const own = newKey('ES256');
let fault; let tls; let httpd; let P;
const tlsEvents = [];
const apaches = [];          // every Apache of this file: { httpd, children? }
const resourceByPath = {};   // the fault AS's resource per introspection path

const TIMEOUT_MS = 1000;     // MCPAuthTimeout 1s 500ms
// A timed-out call answers after TIMEOUT_MS; how much later it may come.
const LATE_MS = 1000;

// One process, 8 workers: few enough that hung requests would show.
const ONE_PROCESS = `<IfModule mpm_event_module>
  StartServers         1
  ServerLimit          1
  ThreadsPerChild      8
  MaxRequestWorkers    8
  MinSpareThreads      1
  MaxSpareThreads      8
</IfModule>`;

// The children of an Apache that runs `n` of them, once they all exist
// (the ports answer before the parent has forked them).
async function startedChildren(h, n) {
  const pid = h.pidFilePid();
  await until(() => childPids(pid).length >= n, { timeoutMs: 10000 });
  return childPids(pid);
}

const CRASH = /exit signal|Segmentation fault|AddressSanitizer|UndefinedBehaviorSanitizer|core dumped|seg fault/i;

// A JWK Set of keys that cannot verify a signature here, and tokens made
// with each of them (their kids are in the set).
function unusableKeys() {
  const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const enc = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const priv = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const offCurve = newKey('ES256', 'ec-off-curve');
  const y = Buffer.from(offCurve.jwk.y, 'base64url');
  y[31] ^= 1;                                         // no longer on P-256
  const x25519 = generateKeyPairSync('x25519');
  const hmacSecret = randomBytes(32);
  const keys = [
    { kty: 'oct', kid: 'oct-1', alg: 'HS256', use: 'sig', k: hmacSecret.toString('base64url') },
    { ...rsa1024.publicKey.export({ format: 'jwk' }), kid: 'rsa-1024', alg: 'RS256', use: 'sig' },
    { ...enc.publicKey.export({ format: 'jwk' }), kid: 'rsa-enc', alg: 'RS256', use: 'enc' },
    { ...priv.privateKey.export({ format: 'jwk' }), kid: 'ec-private', alg: 'ES256', use: 'sig' },
    { ...offCurve.jwk, y: y.toString('base64url') },
    { ...x25519.publicKey.export({ format: 'jwk' }), kid: 'x25519', use: 'sig' },
    { kty: 'XYZ', kid: 'xyz', use: 'sig', n: 'AQAB' },
    'not a key',
  ];
  const tokens = (issuer, resource) => {
    const claims = (extra = {}) => ({
      iss: issuer, aud: resource, sub: 'mallory', client_id: 'x', scope: 'mcp:tools',
      iat: Math.floor(Date.now() / 1000) - 5, exp: Math.floor(Date.now() / 1000) + 300, ...extra,
    });
    return {
      'HS256 with the published oct key': jws({ typ: 'at+jwt', alg: 'HS256', kid: 'oct-1' }, claims(), hmacSecret),
      'RS256 with the 1024-bit key': jws({ typ: 'at+jwt', alg: 'RS256', kid: 'rsa-1024' }, claims(), rsa1024.privateKey),
      'RS256 with the encryption key': jws({ typ: 'at+jwt', alg: 'RS256', kid: 'rsa-enc' }, claims(), enc.privateKey),
      'ES256 with the key published with its private part': jws({ typ: 'at+jwt', alg: 'ES256', kid: 'ec-private' }, claims(), priv.privateKey),
      'ES256 with the off-curve key': jws({ typ: 'at+jwt', alg: 'ES256', kid: 'ec-off-curve' }, claims(), offCurve.privateKey),
    };
  };
  return { keys, tokens, count: keys.length };
}
const UNUSABLE = unusableKeys();

// An https server whose certificate is self-signed for other.example.com.
async function startWrongNameTLS() {
  const dir = makeRunDir('tls-wrong-name');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-subj', '/CN=other.example.com', '-addext', 'subjectAltName=DNS:other.example.com', '-days', '2',
    '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'pipe' });
  const server = https.createServer({
    key: readFileSync(path.join(dir, 'key.pem')),
    cert: readFileSync(path.join(dir, 'cert.pem')),
  }, (req, res) => {
    tlsEvents.push(`request ${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"active":true}');
  });
  server.on('connection', () => tlsEvents.push('connection'));
  server.on('secureConnection', () => tlsEvents.push('secureConnection'));
  server.on('tlsClientError', (err) => tlsEvents.push(`tlsClientError ${err.code ?? err.message}`));
  const sockets = new Set();
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', resolve); });
  return {
    port: server.address().port,
    stop: async () => { for (const s of sockets) s.destroy(); await new Promise((r) => server.close(r)); },
  };
}

before(async () => {
  [P] = await freePorts(1);
  const names = ['drip', 'drip3', 'jwks-hang', 'jwks-drip', 'jwks-garbage', 'jwks-notaset', 'jwks-500', 'jwks-empty',
    'jwks-unusable', 'jwks-mixed', 'md-hang', 'md-both-hang', 'md-fallback', 'md-drip', 'tls'];
  for (const n of names) R[n] = `http://127.0.0.1:${P}/${n}/mcp`;
  R.tls = `https://127.0.0.1:${P}/tls/mcp`;   // the resource's name; Apache itself speaks http here
  resourceByPath['/introspect/drip3'] = R.drip3;
  fault = suite.started(await startFaultAS({ resource: R.drip, resourceByPath, documents: {}, dripMs: 200 }));
  tls = suite.started(await startWrongNameTLS());
  const F = fault.url;
  const docs = {
    '/jwks/hang': { fault: 'hang' },
    '/jwks/drip': { fault: 'drip', body: { keys: [own.jwk] } },
    '/jwks/garbage': { body: 'this is not JSON <html>', contentType: 'application/json' },
    '/jwks/notaset': { keys: { kty: 'EC' } },
    '/jwks/500': { status: 500, body: { error: 'server_error' } },
    '/jwks/empty': { keys: [] },
    '/jwks/unusable': { keys: UNUSABLE.keys },
    '/jwks/mixed': { keys: [...UNUSABLE.keys, own.jwk] },
  };
  // Discovery: md-hang: RFC 8414 hangs, no OpenID document (404);
  // md-both-hang: both hang; md-fallback: RFC 8414 hangs, OpenID answers;
  // md-drip: RFC 8414 drips a good document, no OpenID document.
  for (const n of ['md-hang', 'md-both-hang', 'md-fallback', 'md-drip']) {
    const { docs: d, metadata } = issuerDocuments(F, { path: `/${n}`, keys: [own.jwk] });
    Object.assign(docs, d);
    docs[`/.well-known/oauth-authorization-server/${n}`] = n === 'md-drip' ? { fault: 'drip', body: metadata } : { fault: 'hang' };
    if (n === 'md-both-hang') docs[`/${n}/.well-known/openid-configuration`] = { fault: 'hang' };
    if (n === 'md-hang' || n === 'md-drip') delete docs[`/${n}/.well-known/openid-configuration`];
  }
  fault.documents = docs;

  const loc = (n, lines) => `
<Location /${n}/mcp>
  AuthType MCP
  MCPAuthResource ${R[n]}
  ${lines}
  Require valid-user
  SetHandler mcp
</Location>`;
  const jwks = (n, file) => loc(n, `MCPAuthIssuer ${F}/jwks
  MCPAuthValidation jwt
  MCPAuthDiscovery  Off
  MCPAuthJWKSURL    ${F}/jwks/${file}`);
  httpd = suite.started(await startApache({
    name: 'faults-more',
    ports: [P],
    mpmConfig: ONE_PROCESS,
    body: `
# Loopback test server only: plain http to the authorization server
# (but not in /tls/mcp).
MCPAuthAllowHTTP         On
MCPAuthIntrospectionAuth client_secret_basic mcp-rs dev-secret
MCPAuthRequireScope      mcp:tools
MCPAuthTimeout           1s 500ms
${loc('drip', `MCPAuthIssuer ${F}
  MCPAuthIntrospectionURL ${F}/introspect`)}
${loc('drip3', `MCPAuthIssuer ${F}
  MCPAuthIntrospectionURL ${F}/introspect/drip3
  MCPAuthTimeout 3s 500ms`)}
${jwks('jwks-hang', 'hang')}
${jwks('jwks-drip', 'drip')}
${jwks('jwks-garbage', 'garbage')}
${jwks('jwks-notaset', 'notaset')}
${jwks('jwks-500', '500')}
${jwks('jwks-empty', 'empty')}
${jwks('jwks-unusable', 'unusable')}
${jwks('jwks-mixed', 'mixed')}
${['md-hang', 'md-both-hang', 'md-fallback', 'md-drip'].map((n) => loc(n, `MCPAuthIssuer ${F}/${n}
  MCPAuthValidation jwt`)).join('\n')}
<Location /tls/mcp>
  AuthType MCP
  MCPAuthAllowHTTP        Off
  MCPAuthResource         ${R.tls}
  MCPAuthIssuer           https://127.0.0.1:${tls.port}
  MCPAuthIntrospectionURL https://127.0.0.1:${tls.port}/introspect
  MCPAuthValidation       introspect
  MCPAuthDiscovery        Off
  Require valid-user
  SetHandler mcp
</Location>
`,
  }));
  suite.addLogs(...httpd.logFiles());
  apaches.push({ httpd, children: await startedChildren(httpd, 1) });
});

after(() => suite.stopAll());

const jwt = (n, issuer = `${fault.url}/jwks`) => secrets.add(accessToken(own, { issuer, resource: R[n] }), `JWT for ${n}`);
const call = (n, token) => rpc(R[n], init, { token });
const show = (res) => `${res.status} after ${Math.round(res.ms)} ms: ${res.text.slice(0, 200)}`;
const errorLines = (h, mark) => h.errorLogSince(mark).split('\n').filter((l) => /\[mcp_auth:(error|warn|info)\]/.test(l));

// 503 after one timeout: not before it (the call was really waited for),
// not much later.
function assertTimedOut(res, calls = 1) {
  assertUnavailable(res);
  assert.ok(res.ms >= calls * TIMEOUT_MS - 100 && res.ms < calls * TIMEOUT_MS + LATE_MS, `answered after ${Math.round(res.ms)} ms (${calls} × MCPAuthTimeout expected)`);
}

// ---- slow drip -------------------------------------------------------------

test('introspection answers one byte every 200 ms → 503 after MCPAuthTimeout (1 s), not later, and the module hangs up', async () => {
  const mark = httpd.mark();
  const t = secrets.fault('drip');
  const res = await call('drip', t);
  assertTimedOut(res);
  const [rec] = fault.requestsFor(t);
  assert.ok(rec, 'the introspection request reached the fault AS');
  await until(() => rec.closedAt, { timeoutMs: 2000 });
  assert.ok(rec.closedAt && rec.closedAt - rec.at < TIMEOUT_MS + 600, `the module kept the dripping connection ${rec.closedAt ? rec.closedAt - rec.at : 'open'} ms`);
  const lines = errorLines(httpd, mark).filter((l) => /MCP00501/.test(l));
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(lines[0], /timed out/i);
});

// /drip3/mcp: MCPAuthTimeout 3s, so that a request stuck behind the hung
// ones would show (about 3 s) far from one that is not (milliseconds).
const TIMEOUT3_MS = 3000;

test('6 requests hang on a dripping introspection endpoint (MCPAuthTimeout 3s): meanwhile a cached token gets 200 at once; afterwards every worker is free', async () => {
  const ok = secrets.fault('ok');
  assertInitialized(await call('drip3', ok));                // validated and cached
  const drips = Array.from({ length: 6 }, () => call('drip3', secrets.fault('drip')));
  await sleep(300);
  // 2 workers of 8 are left: 20 requests, 2 at a time.
  const during = [];
  await Promise.all([0, 1].map(async () => {
    for (let i = 0; i < 10; i++) during.push(await call('drip3', ok));
  }));
  const slow = await Promise.all(drips);
  for (const r of during) assert.equal(r.status, 200, show(r));
  const worst = Math.max(...during.map((r) => r.ms));
  assert.ok(worst < 1000, `a cached request took ${Math.round(worst)} ms while the others hung`);
  for (const r of slow) {
    assertUnavailable(r);
    assert.ok(r.ms >= TIMEOUT3_MS - 100 && r.ms < TIMEOUT3_MS + LATE_MS, show(r));
  }
  // All 8 workers at once, right after.
  const afterwards = await Promise.all(Array.from({ length: 8 }, () => call('drip3', ok)));
  for (const r of afterwards) assert.equal(r.status, 200, show(r));
  assert.ok(Math.max(...afterwards.map((r) => r.ms)) < 1000, `afterwards: ${afterwards.map((r) => Math.round(r.ms)).join(', ')} ms`);
  assert.equal(fault.requestsFor(ok).length, 1, 'introspections of the cached token');
});

test('all 8 workers on dripping introspections (MCPAuthTimeout 3s): the next request is served once the first is freed, after about MCPAuthTimeout, not after the 30 s the drip would take', async (t) => {
  const ok = secrets.fault('ok');
  assertInitialized(await call('drip3', ok));
  const drips = Array.from({ length: 8 }, () => call('drip3', secrets.fault('drip')));
  await sleep(300);
  const res = await call('drip3', ok);
  assert.equal(res.status, 200, show(res));
  t.diagnostic(`the cached request waited ${Math.round(res.ms)} ms`);
  assert.ok(res.ms < TIMEOUT3_MS + LATE_MS, `the cached request waited ${Math.round(res.ms)} ms`);
  for (const r of await Promise.all(drips)) assertUnavailable(r);
});

// ---- JWK Set endpoint --------------------------------------------------------

test('JWK Set endpoint accepts and never answers → 503 after MCPAuthTimeout', async () => {
  const mark = httpd.mark();
  assertTimedOut(await call('jwks-hang', jwt('jwks-hang')));
  assert.equal(fault.getsOf('/jwks/hang').length, 1);
  assert.ok(errorLines(httpd, mark).some((l) => /MCP00605/.test(l) && /timed out/i.test(l)), errorLines(httpd, mark).join('\n'));
});

test('JWK Set endpoint drips its answer → 503 after MCPAuthTimeout', async () => {
  assertTimedOut(await call('jwks-drip', jwt('jwks-drip')));
  assert.equal(fault.getsOf('/jwks/drip').length, 1);
});

test('JWK Set that is not JSON → 503 (MCP00603), at most one fetch per request; once it is repaired, the next token → 200', async () => {
  const mark = httpd.mark();
  for (let i = 0; i < 3; i++) assertUnavailable(await call('jwks-garbage', jwt('jwks-garbage')));
  const fetches = fault.getsOf('/jwks/garbage').length;
  assert.ok(fetches >= 1 && fetches <= 3, `JWK Set fetches for 3 requests: ${fetches}`);
  assert.ok(errorLines(httpd, mark).some((l) => /MCP00603/.test(l) && /not valid JSON/.test(l)), errorLines(httpd, mark).join('\n'));
  fault.documents = { ...fault.documents, '/jwks/garbage': { keys: [own.jwk] } };
  assertInitialized(await call('jwks-garbage', jwt('jwks-garbage')));
});

test('JWK Set without a "keys" array → 503; JWK Set endpoint answering 500 → 503', async () => {
  const mark = httpd.mark();
  assertUnavailable(await call('jwks-notaset', jwt('jwks-notaset')));
  assertUnavailable(await call('jwks-500', jwt('jwks-500')));
  const lines = errorLines(httpd, mark);
  assert.ok(lines.some((l) => /MCP00603/.test(l) && /not a JWK Set/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /MCP00605/.test(l) && /HTTP 500/.test(l)), lines.join('\n'));
});

test('an empty JWK Set {"keys":[]} → 401 "signature not valid" (no key verifies), never 200', async () => {
  assertInvalidToken(await call('jwks-empty', jwt('jwks-empty')), R['jwks-empty'], DESC.signature);
});

test('a JWK Set of keys that cannot verify (oct, RSA 1024, use enc, private, off-curve EC, X25519, unknown kty, not an object) → 401 for tokens signed with each, and an info line counting the skipped keys', async () => {
  const mark = httpd.mark();
  assertInvalidToken(await call('jwks-unusable', jwt('jwks-unusable')), R['jwks-unusable'], DESC.signature);
  for (const [label, t] of Object.entries(UNUSABLE.tokens(`${fault.url}/jwks`, R['jwks-unusable']))) {
    const res = await call('jwks-unusable', secrets.add(t, `token ${label}`));
    assert.equal(res.status, 401, `${label}: ${show(res)}`);
    assertInvalidToken(res, R['jwks-unusable'], DESC.signature);
  }
  const lines = errorLines(httpd, mark).filter((l) => /MCP00604/.test(l));
  assert.ok(lines.some((l) => l.includes(`${UNUSABLE.count} key(s) not usable`)), lines.join('\n') || 'no MCP00604 line');
});

test('the same unusable keys next to a good one: the good key verifies (200), the others still 401', async () => {
  assertInitialized(await call('jwks-mixed', jwt('jwks-mixed')));
  for (const [label, t] of Object.entries(UNUSABLE.tokens(`${fault.url}/jwks`, R['jwks-mixed']))) {
    const res = await call('jwks-mixed', secrets.add(t, `token ${label}`));
    assert.equal(res.status, 401, `${label}: ${show(res)}`);
  }
});

// ---- metadata (discovery) --------------------------------------------------

test('metadata: RFC 8414 document accepts and never answers, no OpenID document → 503 after MCPAuthTimeout', async () => {
  const mark = httpd.mark();
  assertTimedOut(await call('md-hang', jwt('md-hang', `${fault.url}/md-hang`)));
  assert.equal(fault.getsOf('/.well-known/oauth-authorization-server/md-hang').length, 1);
  assert.deepEqual(fault.getsOf('/md-hang/jwks'), []);
  assert.ok(errorLines(httpd, mark).some((l) => /MCP00602/.test(l)), errorLines(httpd, mark).join('\n'));
});

test('metadata: RFC 8414 document drips a good answer → 503 after MCPAuthTimeout', async () => {
  assertTimedOut(await call('md-drip', jwt('md-drip', `${fault.url}/md-drip`)));
  assert.deepEqual(fault.getsOf('/md-drip/jwks'), []);
});

test('metadata: RFC 8414 and OpenID documents both hang → 503 after 2 × MCPAuthTimeout (each discovery call is bounded)', async () => {
  assertTimedOut(await call('md-both-hang', jwt('md-both-hang', `${fault.url}/md-both-hang`)), 2);
  assert.equal(fault.getsOf('/.well-known/oauth-authorization-server/md-both-hang').length, 1);
  assert.equal(fault.getsOf('/md-both-hang/.well-known/openid-configuration').length, 1);
});

test('metadata: RFC 8414 document hangs, OpenID document answers → 200 after MCPAuthTimeout (the fallback)', async () => {
  const res = await call('md-fallback', jwt('md-fallback', `${fault.url}/md-fallback`));
  assertInitialized(res);
  assert.ok(res.ms >= TIMEOUT_MS - 100 && res.ms < TIMEOUT_MS + LATE_MS, `answered after ${Math.round(res.ms)} ms`);
});

// Found by this test: the threads waiting for the leader gave up after one
// MCPAuthTimeout, before the leader (2 × MCPAuthTimeout) was done, and
// discovered again themselves (503 after 3.5 s, 6 metadata calls).
test('metadata: both documents hang, 3 concurrent requests with one token → each 503 within 2 × MCPAuthTimeout + 0.5 s, 2 metadata calls in all', async () => {
  const t = jwt('md-both-hang', `${fault.url}/md-both-hang`);
  const before = fault.requests.length;
  const results = await Promise.all([0, 1, 2].map(() => call('md-both-hang', t)));
  for (const r of results) assertUnavailable(r);
  const calls = fault.requests.slice(before).filter((r) => r.path.includes('md-both-hang')).length;
  assert.ok(Math.max(...results.map((r) => r.ms)) < 2 * TIMEOUT_MS + 500 + 300, `answered after ${results.map((r) => Math.round(r.ms)).join(', ')} ms`);
  assert.equal(calls, 2, `metadata calls: ${calls}`);
});

// ---- TLS ---------------------------------------------------------------------

test('TLS: https introspection endpoint with a self-signed certificate for another name → 503, the handshake fails, the token is never sent', async () => {
  const mark = httpd.mark();
  tlsEvents.length = 0;
  const t = secrets.add(`opaque-${randomBytes(24).toString('base64url')}`, 'token for the TLS test');
  const res = await call('tls', t);
  assertUnavailable(res);
  assert.ok(res.ms < TIMEOUT_MS + LATE_MS, `answered after ${Math.round(res.ms)} ms`);
  assert.ok(tlsEvents.includes('connection'), `the module never connected: ${tlsEvents.join(', ')}`);
  assert.ok(tlsEvents.some((e) => e.startsWith('tlsClientError')), `no failed handshake: ${tlsEvents.join(', ')}`);
  assert.deepEqual(tlsEvents.filter((e) => e.startsWith('request') || e === 'secureConnection'), [], 'a request or a completed handshake reached the https server');
  const lines = errorLines(httpd, mark).filter((l) => /MCP00501/.test(l));
  assert.ok(lines.some((l) => /certificate/i.test(l)), lines.join('\n') || 'no MCP00501 line');
});

// ---- redis killed and restarted ------------------------------------------

test('redis killed under load: every request still 200 (validated directly, MCP004xx warnings); restarted: caching works again', async (t) => {
  const SECRET = secrets.add('redis cache passphrase 045 9c1d7e', 'MCPAuthCacheSecret');
  const rd = suite.started(await startRedis({ name: 'redis-045' }));
  suite.addLogs(rd.logFile);
  const [PR] = await freePorts(1);
  const url = `http://127.0.0.1:${PR}/mcp`;
  resourceByPath['/introspect/redis'] = url;
  const h = suite.started(await startApache({
    name: 'faults-redis',
    ports: [PR],
    modules: ['socache_redis'],
    mpmConfig: ONE_PROCESS,
    body: `
MCPAuthAllowHTTP    On
MCPAuthCache        redis:${rd.spec}
MCPAuthCacheSecret  "${SECRET}"
MCPAuthRequireScope mcp:tools
MCPAuthTimeout      1s 500ms
<Location /mcp>
  AuthType MCP
  MCPAuthResource ${url}
  MCPAuthIssuer   ${fault.url}
  MCPAuthIntrospectionURL  ${fault.url}/introspect/redis
  MCPAuthIntrospectionAuth client_secret_basic mcp-rs dev-secret
  Require valid-user
  SetHandler mcp
</Location>`,
  }));
  suite.addLogs(...h.logFiles());
  apaches.push({ httpd: h, children: await startedChildren(h, 1) });
  const intro = (t) => fault.requestsFor(t).length;
  const seq = async (t, n) => { const out = []; for (let i = 0; i < n; i++) out.push(await post(url, t)); return out; };
  const all200 = (results, what) => assert.deepEqual(tally(results), { 200: results.length }, `${what}: ${JSON.stringify(tally(results))}`);

  const t1 = secrets.fault('ok');
  all200(await seq(t1, 3), 'before');
  assert.equal(intro(t1), 1, 'introspections while redis runs');

  // Load with the cached token and with fresh ones while redis is killed.
  const mark = h.mark();
  let stop = false;
  const results = [];
  // (new tokens paced: each one is a secret that every log is searched for)
  const workers = Array.from({ length: 4 }, async (_, i) => {
    while (!stop) {
      results.push(await post(url, i ? t1 : secrets.fault('ok')));
      if (!i) await sleep(50);
    }
  });
  await sleep(500);
  process.kill(rd.pid, 'SIGKILL');
  await until(() => !rd.running, { timeoutMs: 3000 });
  assert.ok(!rd.running, 'redis-server still runs after SIGKILL');
  await sleep(1500);
  stop = true;
  await Promise.all(workers);
  t.diagnostic(`load while redis was killed: ${JSON.stringify(tally(results))}`);
  all200(results, 'load while redis was killed');
  assert.ok(results.length >= 20, `only ${results.length} requests`);

  const t2 = secrets.fault('ok');
  all200(await seq(t2, 4), 'redis down');
  assert.ok(intro(t2) >= 2, `introspections of a new token while redis is down: ${intro(t2)} (no direct validation)`);
  const warnings = cacheWarnings(h.errorLogSince(mark));
  assert.ok(warnings.length >= 1, `no warn line with an MCP004xx tag:\n${errorLines(h, mark).slice(0, 20).join('\n')}`);

  await rd.start();
  // apr_redis retries a dead server after a while: poll up to 20 s for a
  // fresh token whose second request is served from the cache.
  const end = Date.now() + 20000;
  let cached = false;
  while (!cached && Date.now() < end) {
    const tok = secrets.fault('ok');
    all200(await seq(tok, 2), 'after the restart of redis');
    cached = intro(tok) === 1;
    if (!cached) await sleep(500);
  }
  assert.ok(cached, 'caching did not resume within 20 s of the restart of redis');
  t.diagnostic(`caching resumed ${Date.now() - (end - 20000)} ms after the restart of redis`);
  const t3 = secrets.fault('ok');
  all200(await seq(t3, 5), 'cached again');
  assert.equal(intro(t3), 1, 'introspections once redis is back');
  assert.deepEqual(h.accessLogLines().filter((l) => /" q="[^"]*" 5\d\d /.test(l)), [], '5xx in the access log');
});

// ---- Apache stopped under load ----------------------------------------------

for (const mpm of ['event', 'prefork']) {
  test(`${mpm}: SIGTERM to Apache under load → in-flight requests end with 200 or at the connection level, never a 5xx; Apache exits cleanly within 5 s`, async (t) => {
    const [PS] = await freePorts(1);
    const url = `http://127.0.0.1:${PS}/mcp`;
    resourceByPath[`/introspect/stop-${mpm}`] = url;
    const h = suite.started(await startApache({
      name: `faults-stop-${mpm}`,
      ports: [PS],
      mpm,
      mpmConfig: `<IfModule mpm_event_module>
  StartServers         2
  ServerLimit          2
  ThreadsPerChild      8
  MaxRequestWorkers    16
  MinSpareThreads      1
  MaxSpareThreads      16
</IfModule>
<IfModule mpm_prefork_module>
  StartServers         4
  MinSpareServers      1
  MaxSpareServers      8
  ServerLimit          8
  MaxRequestWorkers    8
</IfModule>`,
      body: `
MCPAuthAllowHTTP    On
MCPAuthRequireScope mcp:tools
# Long enough that no introspection times out, however loaded the machine:
# any 5xx here would come from the stop.
MCPAuthTimeout      10s 2s
<Location /mcp>
  AuthType MCP
  MCPAuthResource ${url}
  MCPAuthIssuer   ${fault.url}
  MCPAuthIntrospectionURL  ${fault.url}/introspect/stop-${mpm}
  MCPAuthIntrospectionAuth client_secret_basic mcp-rs dev-secret
  Require valid-user
  SetHandler mcp
</Location>`,
    }));
    suite.addLogs(...h.logFiles());
    apaches.push({ httpd: h });
    const cachedToken = secrets.fault('ok');
    assert.equal((await post(url, cachedToken)).status, 200);

    // 8 workers: half with the cached token, half with a new token each
    // time that the fault AS takes 300 ms to introspect (introspections in
    // flight when the signal comes).
    let stop = false;
    const results = [];
    const workers = Array.from({ length: 8 }, async (_, i) => {
      while (!stop) {
        results.push(await post(url, i % 2 ? cachedToken : secrets.fault('slow'), { timeoutMs: 10000 }));
        if (typeof results[results.length - 1].status !== 'number') await sleep(20);
      }
    });
    // Under load: at least 20 answers, and at least a second.
    const loaded = Date.now();
    await until(() => results.filter((r) => r.status === 200).length >= 20 && Date.now() - loaded >= 1000, { timeoutMs: 15000 });
    const before = results.filter((r) => r.status === 200).length;
    const pid = h.pidFilePid();
    const children = childPids(pid);
    const exited = new Promise((resolve) => {
      if (h.child.exitCode !== null || h.child.signalCode !== null) resolve();
      else h.child.once('exit', resolve);
    });
    const t0 = Date.now();
    process.kill(pid, 'SIGTERM');
    const timer = sleep(8000).then(() => 'timeout');
    const outcome = await Promise.race([exited.then(() => 'exited'), timer]);
    const took = Date.now() - t0;
    await sleep(300);
    stop = true;
    await Promise.all(workers);

    assert.equal(outcome, 'exited', `Apache still runs ${took} ms after SIGTERM`);
    assert.ok(took < 5000, `Apache took ${took} ms to exit`);
    assert.equal(h.child.signalCode, null, `Apache died of ${h.child.signalCode}`);
    assert.equal(h.child.exitCode, 0, `Apache exit code ${h.child.exitCode}`);
    for (const c of children) {
      let alive = true;
      try { process.kill(c, 0); } catch { alive = false; }
      assert.ok(!alive, `child ${c} still runs`);
    }
    const counts = tally(results);
    t.diagnostic(`exit ${took} ms after SIGTERM; results ${JSON.stringify(counts)}`);
    const numeric = Object.keys(counts).filter((k) => /^\d+$/.test(k));
    assert.deepEqual(numeric, ['200'], `statuses: ${JSON.stringify(counts)}`);
    assert.ok(before >= 20, `only ${before} requests served before the stop: ${JSON.stringify(counts)}`);
    const log = h.errorLog();
    assert.match(log, /caught SIGTERM, shutting down/);
    assert.deepEqual(log.split('\n').filter((l) => CRASH.test(l)), []);
    assert.deepEqual(readdirSync(h.run).filter((f) => /^core/.test(f)), [], 'core file in the run directory');
    assert.deepEqual(h.accessLogLines().filter((l) => /" q="[^"]*" 5\d\d /.test(l)), [], '5xx in the access log');
  });
}

// ---- no crash anywhere ---------------------------------------------------------

test('no Apache child of this file crashed; the long-running ones still have the children they started with', () => {
  for (const { httpd: h, children } of apaches) {
    assert.deepEqual(h.errorLog().split('\n').filter((l) => CRASH.test(l)), [], `${h.name}: error log`);
    assert.deepEqual(readdirSync(h.run).filter((f) => /^core/.test(f)), [], `${h.name}: core file`);
    if (children) {
      assert.equal(children.length, 1, `${h.name}: children at the start`);
      assert.ok(h.child.exitCode === null && h.child.signalCode === null, `${h.name}: Apache exited`);
      assert.deepEqual(childPids(h.pidFilePid()).sort(), [...children].sort(), `${h.name}: children`);
    }
  }
});

test('no token, secret or Authorization value in any log', async () => {
  assert.deepEqual(await suite.secretFindings(), []);
});
