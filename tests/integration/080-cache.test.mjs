// The verdict cache on one host (MCPAuthCache shmcb, the default), with
// mpm_event (2 processes) and mpm_prefork (4 children): one token is
// introspected once however many processes and connections carry it,
// positive verdicts end at the token's exp, negative verdicts are kept
// MCPAuthCacheNegativeTTL and per Location (the per-process memo in front
// of shmcb included), errors are never kept, and a
// graceful restart under load loses no request.  Introspection calls are
// counted at the authorization servers themselves (GET /_test/introspections
// of dev/authserver.mjs, the fault AS's request record).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startApache } from './lib/apache.mjs';
import { freePorts, sleep } from './lib/env.mjs';
import { DESC, BODY, challenge } from './lib/expect.mjs';
import { startAuthServer } from './lib/authserver.mjs';
import { startFaultAS } from './fault-as.mjs';
import { fileSuite } from './lib/suite.mjs';
import { post, load, burst, sequential, tally } from './lib/load.mjs';
import { PID_LOG, STATUS_LOCATION, counters, delta, pidLog, servedBy, childPids } from './lib/cachetest.mjs';

const suite = fileSuite('080-cache');
const { secrets } = suite;
const SHORT_TTL = 3;
let as; let fault; let ev; let pf;
const R = {};

const EVENT = `<IfModule mpm_event_module>
  StartServers         2
  ServerLimit          4
  ThreadsPerChild      8
  MaxRequestWorkers    32
  MinSpareThreads      8
  MaxSpareThreads      32
</IfModule>`;
const PREFORK = `<IfModule mpm_prefork_module>
  StartServers         4
  MinSpareServers      4
  MaxSpareServers      8
  ServerLimit          32
  MaxRequestWorkers    32
</IfModule>`;


before(async () => {
  const [PE, PP] = await freePorts(2);
  for (const name of ['a', 'b', 'short', 'neg']) R[name] = `http://127.0.0.1:${PE}/${name}/mcp`;
  R.fault = `http://127.0.0.1:${PE}/fault/mcp`;
  R.pa = `http://127.0.0.1:${PP}/a/mcp`;
  [as, fault] = await Promise.all([
    startAuthServer({ name: 'as-080', resources: [R.a, R.b, R.short, R.neg, R.pa], shortTtl: SHORT_TTL }),
    startFaultAS({ resource: R.fault }),
  ]);
  suite.started(as);
  suite.started(fault);
  suite.addLogs(as.logFile);
  const location = (name, resource, lines = '') => `
<Location /${name}/mcp>
  AuthType MCP
  MCPAuthResource ${resource}
  ${lines}
  Require valid-user
  SetHandler mcp
</Location>`;
  const real = `MCPAuthIssuer ${as.issuer}
MCPAuthIntrospectionURL ${as.introspectionUrl}
MCPAuthIntrospectionAuth client_secret_basic mcp-rs dev-secret`;
  const common = `
# Loopback test server only: plain http to the authorization servers.
MCPAuthAllowHTTP    On
MCPAuthRequireScope mcp:tools
${PID_LOG}
${STATUS_LOCATION}`;
  [ev, pf] = await Promise.all([
    startApache({
      name: 'cache-event',
      ports: [PE],
      mpm: 'event',
      modules: ['status'],
      mpmConfig: EVENT,
      body: `${common}
${real}
${location('a', R.a)}
${location('b', R.b)}
${location('short', R.short, 'MCPAuthCacheMaxTTL 60s')}
${location('neg', R.neg, 'MCPAuthCacheNegativeTTL 5s')}
${location('fault', R.fault, `MCPAuthIssuer ${fault.url}
  MCPAuthIntrospectionURL ${fault.url}/introspect
  MCPAuthTimeout 2s 1s`)}
`,
    }),
    startApache({
      name: 'cache-prefork',
      ports: [PP],
      mpm: 'prefork',
      modules: ['status'],
      mpmConfig: PREFORK,
      body: `${common}
${real}
${location('a', R.pa)}
`,
    }),
  ]);
  for (const h of [ev, pf]) {
    suite.started(h);
    suite.addLogs(...h.logFiles(), `${h.run}/pids.log`);
  }
});

after(() => suite.stopAll());

async function token(resource, opts = {}) {
  const t = await as.token({ resource, ...opts });
  secrets.add(t.token, `access token for ${resource}`);
  return t;
}

const ctx = (results) => JSON.stringify(tally(results));

function assertAll200(results, n) {
  assert.equal(results.length, n, `requests made: ${results.length}`);
  assert.deepEqual(tally(results), { 200: n }, `statuses: ${ctx(results)}`);
}

function assertAllInvalid(results, resource, desc) {
  for (const r of results) {
    assert.equal(r.status, 401, `statuses: ${ctx(results)}`);
    assert.equal(r.headers['www-authenticate'], challenge.invalidToken(resource, desc));
    assert.equal(r.text, BODY.error('invalid_token', desc));
  }
}

// 200 requests with one fresh token, 8 at a time, half the workers on a new
// connection per request and half in keep-alive batches of 5.
async function manyProcesses(httpd, url) {
  const { token: t } = await token(url);
  const from = pidLog(httpd).length;
  const before = await counters(httpd);
  const results = await load(url, t, { total: 200, concurrency: 8, mixed: true, keepAlive: 5 });
  assertAll200(results, 200);
  assert.equal(await as.introspectionsOf(t), 1, 'introspections of the token at the AS');
  const d = delta(await counters(httpd), before);
  assert.equal(d.validations, 1, `counters: ${JSON.stringify(d)}`);
  const lines = await servedBy(httpd, from, new URL(url).pathname, 200);
  assert.equal(lines.length, 200, 'pids.log lines for the requests');
  const pids = new Set(lines.map((l) => l.pid));
  assert.ok(pids.size >= 2, `served by ${pids.size} process(es): ${[...pids].join(', ')}`);
}

test('event, 2 processes: 200 requests with one token over many connections → all 200, 1 introspection', async () => {
  await manyProcesses(ev, R.a);
});

test('prefork, 4 children: 200 requests with one token over many connections → all 200, 1 introspection', async () => {
  await manyProcesses(pf, R.pa);
});

for (const [label, get] of [['event', () => [ev, R.a]], ['prefork', () => [pf, R.pa]]]) {
  test(`${label}: 32 concurrent requests with one fresh token → all 200, 1 introspection`, async () => {
    const [httpd, url] = get();
    const { token: t } = await token(url);
    const before = await counters(httpd);
    const results = await burst(url, t, 32);
    assertAll200(results, 32);
    assert.equal(await as.introspectionsOf(t), 1, 'introspections of the token at the AS');
    const d = delta(await counters(httpd), before);
    assert.equal(d.validations, 1, `counters: ${JSON.stringify(d)}`);
  });
}

test('a token that expires in 3 s (MCPAuthCacheMaxTTL 60s): cached while valid, 401 after exp, 2 introspections', async () => {
  const t = await token(R.short, { client: 'test-cc-short' });
  assert.equal(t.expiresIn, SHORT_TTL);
  // exp = iat + 3 with iat <= obtainedAt: it is at most 3 s away, at least 2.
  for (let i = 0; i < 4; i++) {
    const res = await post(R.short, t.token);
    assert.equal(res.status, 200, `request ${i} at +${Date.now() - t.obtainedAt} ms: ${res.status} ${res.text?.slice(0, 200)}`);
    await sleep(200);
  }
  assert.ok(Date.now() - t.obtainedAt < 1900, 'the cached requests ran while the token was surely valid');
  assert.equal(await as.introspectionsOf(t.token), 1, 'introspections while the token was valid');
  await sleep(Math.max(0, t.obtainedAt + SHORT_TTL * 1000 + 1200 - Date.now()));
  const results = await sequential(R.short, t.token, 3);
  assertAllInvalid(results, R.short, DESC.inactive);
  assert.equal(await as.introspectionsOf(t.token), 2, 'introspections in all: one while valid, one after exp');
});

test('one token at two Locations (aud = A): 200 at A, 401 at B, repeated → one introspection per Location', async () => {
  const { token: t } = await token(R.a);
  for (let i = 0; i < 5; i++) {
    const a = await post(R.a, t);
    assert.equal(a.status, 200, `A, round ${i}: ${a.status} ${a.text?.slice(0, 200)}`);
    assertAllInvalid([await post(R.b, t)], R.b, DESC.audience);
  }
  assert.equal(await as.introspectionsOf(t), 2, 'introspections of the token at the AS');
});

test('an inactive token (MCPAuthCacheNegativeTTL 5s): 20 requests → 1 introspection; after 5 s, one more', async () => {
  const t = secrets.add(randomBytes(32).toString('base64url'), 'an inactive token');
  const before = await counters(ev);
  const t0 = Date.now();
  const results = await load(R.neg, t, { total: 20, concurrency: 4 });
  const took = Date.now() - t0;
  assert.equal(results.length, 20);
  assertAllInvalid(results, R.neg, DESC.inactive);
  assert.ok(took < 4000, `the 20 requests took ${took} ms, longer than the negative TTL allows to judge`);
  assert.equal(await as.introspectionsOf(t), 1, 'introspections within the negative TTL');
  const d = delta(await counters(ev), before);
  assert.equal(d.validations, 1, `counters: ${JSON.stringify(d)}`);
  assert.ok(d.negativeHits >= 1, `counters: ${JSON.stringify(d)}`);
  await sleep(Math.max(0, t0 + 6500 - Date.now()));
  assertAllInvalid([await post(R.neg, t)], R.neg, DESC.inactive);
  assert.equal(await as.introspectionsOf(t), 2, 'introspections after the negative TTL passed');
});

test('the memo: a token used again in a process is served from its memo, not the shared cache (at most one shared hit per process)', async () => {
  const { token: t } = await token(R.a);
  const before = await counters(ev);
  const results = await load(R.a, t, { total: 100, concurrency: 4, keepAlive: 10 });
  assertAll200(results, 100);
  assert.equal(await as.introspectionsOf(t), 1, 'introspections of the token at the AS');
  const d = delta(await counters(ev), before);
  assert.equal(d.hits + d.misses, 100, `counters: ${JSON.stringify(d)}`);
  // the validating process filled its memo when it stored the verdict;
  // any other process reads the shared cache once, then its memo
  const children = childPids(ev.pidFilePid()).length;
  assert.ok(d.localHits >= d.hits - children, `${d.localHits} memo hits of ${d.hits} hits with ${children} processes: ${JSON.stringify(d)}`);
  assert.ok(d.localHits > 0, `counters: ${JSON.stringify(d)}`);
});

test('errors are never cached: the AS answers 500 → 5 requests, 5 × 503, 5 introspection attempts', async () => {
  const t = secrets.fault('http500');
  const results = await sequential(R.fault, t, 5);
  for (const r of results) {
    assert.equal(r.status, 503, `statuses: ${ctx(results)}`);
    assert.equal(r.headers['retry-after'], '5');
    assert.equal(r.text, BODY.unavailable);
  }
  assert.equal(fault.requestsFor(t).length, 5, 'introspection attempts at the fault AS');
});

// Last in this file: the restart resets the counters.
test('graceful restart (SIGUSR1) under load: every request 200; afterwards the cache works and the counters restarted', async () => {
  const { token: t } = await token(R.a);
  assert.equal((await post(R.a, t)).status, 200);
  const from = pidLog(ev).length;
  const ppid = ev.pidFilePid();
  let oldChildren = [];
  const running = load(R.a, t, { durationMs: 3000, concurrency: 6 });
  await sleep(1000);
  oldChildren = childPids(ppid);
  assert.ok(oldChildren.length >= 2, `children before the restart: ${oldChildren.join(', ')}`);
  await ev.graceful();
  const results = await running;
  assert.ok(results.length >= 50, `only ${results.length} requests in 3 s`);
  assert.deepEqual(tally(results), { 200: results.length }, 'every request of the load during the restart');

  // Counters count since the restart: no more hits than requests the new
  // generation served (plus those the old one had in flight, at most one
  // per client connection of the load).
  const lines = await servedBy(ev, from, '/a/mcp', results.length);
  const byNew = lines.filter((l) => !oldChildren.includes(l.pid)).length;
  const since = await counters(ev);
  assert.ok(byNew >= 1, 'the new generation served some of the load');
  assert.ok(since.hits <= byNew + 6, `MCPAuthCacheHits ${since.hits} after the restart, but the new processes served only ${byNew} requests (of ${results.length})`);

  const { token: t2 } = await token(R.a);
  const before = await counters(ev);
  assertAll200(await sequential(R.a, t2, 20), 20);
  assert.equal(await as.introspectionsOf(t2), 1, 'introspections of a new token after the restart');
  const d = delta(await counters(ev), before);
  assert.deepEqual({ hits: d.hits, misses: d.misses, validations: d.validations }, { hits: 19, misses: 1, validations: 1 },
    `counters: ${JSON.stringify(d)}`);
});

test('no token, secret or Authorization value in any log', async () => {
  assert.deepEqual(await suite.secretFindings(), []);
});
