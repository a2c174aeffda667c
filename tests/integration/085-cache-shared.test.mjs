// The verdict cache shared by several servers: two Apaches with one
// memcached (and, separately, one redis-server) and the same
// MCPAuthCacheSecret share verdicts; an entry written with another secret is
// not used; memcached going away costs no request (verdicts already in a
// process's memo are still served from it), and caching comes back with it.  Also the startup errors of the cache directives.  Introspection
// calls are counted at the authorization server (GET /_test/introspections).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApache, configTest } from './lib/apache.mjs';
import { freePorts, sleep } from './lib/env.mjs';
import { startAuthServer } from './lib/authserver.mjs';
import { startMemcached, startRedis } from './lib/cacheservers.mjs';
import { fileSuite } from './lib/suite.mjs';
import { sequential, tally } from './lib/load.mjs';
import { PID_LOG, STATUS_LOCATION, counters, delta, cacheWarnings, moduleWarnings } from './lib/cachetest.mjs';

const suite = fileSuite('085-cache-shared');
const { secrets } = suite;
const SECRET = secrets.add('shared cache passphrase 6f1c2a9e', 'MCPAuthCacheSecret');
const OTHER_SECRET = secrets.add('another cache passphrase 0b77d4e1', 'the other MCPAuthCacheSecret');
let as; let mc; let rd;
// mcA, mcB: memcached, SECRET; mcC: memcached, OTHER_SECRET; rdA, rdB: redis, SECRET.
const H = {};
let RM; let RR;

const ONE_PROCESS = `<IfModule mpm_event_module>
  StartServers         1
  ServerLimit          1
  ThreadsPerChild      8
  MaxRequestWorkers    8
  MinSpareThreads      1
  MaxSpareThreads      8
</IfModule>`;

before(async () => {
  const [PA, PB, PC, PRA, PRB] = await freePorts(5);
  // Servers behind one name: every one protects the same resource.
  RM = `http://127.0.0.1:${PA}/mcp`;
  RR = `http://127.0.0.1:${PRA}/mcp`;
  [as, mc, rd] = await Promise.all([
    startAuthServer({ name: 'as-085', resources: [RM, RR] }),
    startMemcached({ name: 'memcached-085' }),
    startRedis({ name: 'redis-085' }),
  ]);
  for (const s of [as, mc, rd]) {
    suite.started(s);
    suite.addLogs(s.logFile);
  }
  const body = (provider, secret, resource) => `
# Loopback test server only: plain http to the authorization server.
MCPAuthAllowHTTP    On
MCPAuthCache        ${provider}
MCPAuthCacheSecret  "${secret}"
MCPAuthRequireScope mcp:tools
MCPAuthIssuer            ${as.issuer}
MCPAuthIntrospectionURL  ${as.introspectionUrl}
MCPAuthIntrospectionAuth client_secret_basic mcp-rs dev-secret
${PID_LOG}
${STATUS_LOCATION}
<Location /mcp>
  AuthType MCP
  MCPAuthResource ${resource}
  Require valid-user
  SetHandler mcp
</Location>
`;
  const start = (name, port, provider, secret, resource, module) => startApache({
    name,
    ports: [port],
    modules: ['status', module],
    mpmConfig: ONE_PROCESS,
    body: body(provider, secret, resource),
  });
  const list = await Promise.all([
    start('mcA', PA, `memcache:${mc.spec}`, SECRET, RM, 'socache_memcache'),
    start('mcB', PB, `memcache:${mc.spec}`, SECRET, RM, 'socache_memcache'),
    start('mcC', PC, `memcache:${mc.spec}`, OTHER_SECRET, RM, 'socache_memcache'),
    start('rdA', PRA, `redis:${rd.spec}`, SECRET, RR, 'socache_redis'),
    start('rdB', PRB, `redis:${rd.spec}`, SECRET, RR, 'socache_redis'),
  ]);
  for (const h of list) {
    H[h.name] = suite.started(h);
    suite.addLogs(...h.logFiles(), `${h.run}/pids.log`);
    h.url = `http://127.0.0.1:${h.ports[0]}/mcp`;
  }
});

after(() => suite.stopAll());

async function token(resource) {
  const t = await as.token({ resource });
  secrets.add(t.token, `access token for ${resource}`);
  return t.token;
}

const assertAll200 = (results, what) =>
  assert.deepEqual(tally(results), { 200: results.length }, `${what}: ${JSON.stringify(tally(results))}`);

for (const [kind, a, b] of [['memcached', 'mcA', 'mcB'], ['redis-server', 'rdA', 'rdB']]) {
  test(`two servers sharing one ${kind} (same secret): a token validated on A is served from the cache on B`, async () => {
    const A = H[a]; const B = H[b];
    const t = await token(kind === 'memcached' ? RM : RR);
    const beforeB = await counters(B);
    assertAll200(await sequential(A.url, t, 1), 'A');
    assert.equal(await as.introspectionsOf(t), 1, 'introspections after A');
    assertAll200(await sequential(B.url, t, 5), 'B');
    assert.equal(await as.introspectionsOf(t), 1, 'introspections in all (A and B)');
    const d = delta(await counters(B), beforeB);
    assert.ok(d.hits >= 1, `B's counters: ${JSON.stringify(d)}`);
    assert.equal(d.hits, 5, `B's counters: ${JSON.stringify(d)}`);
    // one round trip to the shared cache; then B's own memo
    assert.ok(d.localHits >= 4, `B's counters: ${JSON.stringify(d)}`);
    assert.equal(d.validations, 0, `B's counters: ${JSON.stringify(d)}`);
    assert.deepEqual(cacheWarnings(A.errorLog()).concat(cacheWarnings(B.errorLog())), [], 'no cache trouble');
  });
}

test('an entry written with another MCPAuthCacheSecret is not used: B re-validates and logs a warning', async () => {
  const A = H.mcA; const C = H.mcC;
  const t = await token(RM);
  assertAll200(await sequential(A.url, t, 1), 'A');
  assert.equal(await as.introspectionsOf(t), 1, 'introspections after A');
  const mark = C.mark();
  const beforeC = await counters(C);
  assertAll200(await sequential(C.url, t, 1), 'C (other secret)');
  assert.equal(await as.introspectionsOf(t), 2, 'introspections after C: C did not use the entry of A');
  const d = delta(await counters(C), beforeC);
  assert.equal(d.hits, 0, `C's counters: ${JSON.stringify(d)}`);
  assert.equal(d.validations, 1, `C's counters: ${JSON.stringify(d)}`);
  const warnings = moduleWarnings(C.errorLogSince(mark));
  assert.ok(warnings.length >= 1, `no warning of mod_mcp_auth in C's error log:\n${C.errorLogSince(mark).split('\n').filter((l) => !/:trace\d\]/.test(l)).join('\n')}`);
});

// Last of the memcached tests: it stops memcached.
test('memcached stopped: requests still succeed (new tokens validated directly, MCP004 warnings; a token in the memo served from it); restarted: caching works again', async () => {
  const A = H.mcA; const B = H.mcB;
  const t = await token(RM);
  assertAll200(await sequential(A.url, t, 3), 'before');
  assert.equal(await as.introspectionsOf(t), 1, 'introspections while memcached runs');

  const mark = A.mark();
  const before = await counters(A);
  await mc.stop();
  const fresh = await token(RM);
  const down = await sequential(A.url, fresh, 5);
  assertAll200(down, 'memcached down');
  const during = await as.introspectionsOf(fresh);
  assert.ok(during > 1, `introspections of a new token while memcached is down: ${during} (no direct validation)`);
  const d = delta(await counters(A), before);
  assert.ok(d.errors >= 1, `counters: ${JSON.stringify(d)}`);
  const warnings = cacheWarnings(A.errorLogSince(mark));
  assert.ok(warnings.length >= 1, `no warn line with an MCP004xx tag:\n${A.errorLogSince(mark).split('\n').filter((l) => !/:trace\d\]/.test(l)).slice(0, 40).join('\n')}`);
  // the verdict A already held stays in its memo until its own time
  assertAll200(await sequential(A.url, t, 3), 'a known token, memcached down');
  assert.equal(await as.introspectionsOf(t), 1, 'introspections of the token in the memo while memcached is down');

  await mc.start();
  // apr_memcache retries a dead server after about 5 s: poll up to 15 s for
  // two requests in a row with a token that cause at most one introspection
  // (the store reached memcached, and with it the memo).
  const again = await token(RM);
  const end = Date.now() + 15000;
  let cached = false;
  while (!cached && Date.now() < end) {
    const n0 = await as.introspectionsOf(again);
    assertAll200(await sequential(A.url, again, 2), 'after the restart of memcached');
    cached = (await as.introspectionsOf(again)) - n0 <= 1;
    if (!cached) await sleep(500);
  }
  assert.ok(cached, 'caching did not resume within 15 s of the restart of memcached');
  // The entry is in memcached itself: B, which never saw the token, uses
  // it once its own connection to memcached is back (same 5 s retry).
  // While it is not, B's stores fail too and its memo stays empty, so a
  // request of B without an introspection can only come from memcached.
  let fromMemcached = false;
  while (!fromMemcached && Date.now() < end + 10000) {
    const n0 = await as.introspectionsOf(again);
    assertAll200(await sequential(B.url, again, 1), 'B, after the restart of memcached');
    fromMemcached = (await as.introspectionsOf(again)) === n0;
    if (!fromMemcached) await sleep(500);
  }
  assert.ok(fromMemcached, 'B never read the entry from memcached after its restart');
});

test('no 5xx in any access log of this file', () => {
  for (const h of Object.values(H)) {
    const bad = h.accessLogLines().filter((l) => /" q="[^"]*" 5\d\d /.test(l));
    assert.deepEqual(bad, [], `${h.name}`);
  }
});

// ---- startup errors ---------------------------------------------------------

const LOCATION = `
MCPAuthAllowHTTP On
<Location /mcp>
  AuthType MCP
  MCPAuthResource http://127.0.0.1:1/mcp
  MCPAuthIssuer http://127.0.0.1:2
  MCPAuthIntrospectionURL http://127.0.0.1:2/token/introspection
  Require valid-user
  SetHandler mcp
</Location>`;

const CONFIGS = [
  // [label, body, modules, must name (regexp) or null when it must pass]
  ['memcache with a secret passes', `MCPAuthCache memcache:127.0.0.1:1\nMCPAuthCacheSecret "${SECRET}"`, ['socache_memcache'], null],
  ['redis with a secret passes', `MCPAuthCache redis:127.0.0.1:1\nMCPAuthCacheSecret "${SECRET}"`, ['socache_redis'], null],
  ['none passes', 'MCPAuthCache none', [], null],
  ['memcache without MCPAuthCacheSecret fails', 'MCPAuthCache memcache:127.0.0.1:1', ['socache_memcache'], /MCPAuthCacheSecret/],
  ['redis without MCPAuthCacheSecret fails', 'MCPAuthCache redis:127.0.0.1:1', ['socache_redis'], /MCPAuthCacheSecret/],
  ['an unknown provider fails', 'MCPAuthCache bogus', [], /MCPAuthCache\b/],
  ['MCPAuthCache inside a <Location> fails', '<Location /other>\n  MCPAuthCache shmcb\n</Location>', [], /MCPAuthCache\b/],
  ['MCPAuthCacheSecret inside a <Location> fails', `<Location /other>\n  MCPAuthCacheSecret "${SECRET}"\n</Location>`, [], /MCPAuthCacheSecret/],
];

CONFIGS.forEach(([label, extra, modules, names], i) => {
  test(`apache2 -t: ${label}`, async () => {
    // (the run directory is not named after a directive: messages quote its path)
    const { code, output } = await configTest({ name: `cache${i}`, body: `${extra}\n${LOCATION}`, modules });
    if (!names) {
      assert.equal(code, 0, output);
      assert.match(output, /Syntax OK/);
    } else {
      assert.notEqual(code, 0, `apache2 -t accepted it:\n${output}`);
      assert.match(output, names, `the message does not name the directive:\n${output}`);
    }
  });
});

test('no token, secret or Authorization value in any log', async () => {
  assert.deepEqual(await suite.secretFindings(), []);
});
