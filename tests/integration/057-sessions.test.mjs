// MCP sessions of the built-in endpoint (docs/directives.md MCPSessions,
// MCPSessionIdleTimeout; docs/behaviour.md, the endpoint table) on one host,
// in the default shared cache (shmcb): a session is served by every process
// (mpm_event with 2 processes, mpm_prefork with 4 children), is bound to its
// user, follows the session rules with their exact answers, expires when
// idle, and its id never reaches the error log.  Tokens are real ones from
// dev/authserver.mjs (client_credentials: test-cc is "alice", test-cc-typjwt,
// another client and so another caller, is "mallory").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { startApache } from './lib/apache.mjs';
import { freePorts, sleep } from './lib/env.mjs';
import { startAuthServer } from './lib/authserver.mjs';
import { fileSuite } from './lib/suite.mjs';
import { PID_LOG, pidLog, servedBy } from './lib/cachetest.mjs';
import { initializeMessage } from './lib/http.mjs';
import {
  post, del, initialize, openSession, add, addMessage, manyAdds,
  assertSessionRequired, assertSessionNotFound, assertDeleted, PROTOCOL,
} from './lib/sessions.mjs';

const suite = fileSuite('057-sessions');
const { secrets } = suite;
let as; let ev; let pf;
const R = {};

const EVENT = `<IfModule mpm_event_module>
  StartServers         2
  ServerLimit          2
  ThreadsPerChild      8
  MaxRequestWorkers    16
  MinSpareThreads      8
  MaxSpareThreads      16
</IfModule>`;
const PREFORK = `<IfModule mpm_prefork_module>
  StartServers         4
  MinSpareServers      4
  MaxSpareServers      8
  ServerLimit          16
  MaxRequestWorkers    16
</IfModule>`;
// A control: a log that asks for the session id (not *.log: the sweep of
// 090-no-secrets must not read it).
const SID_LOG = `LogFormat "%{Mcp-Session-Id}i" mcpsid
CustomLog "sessions.txt" mcpsid`;

before(async () => {
  const [PE, PP] = await freePorts(2);
  for (const name of ['main', 'off', 'idle']) R[name] = `http://127.0.0.1:${PE}/${name}/mcp`;
  R.pf = `http://127.0.0.1:${PP}/main/mcp`;
  as = suite.started(await startAuthServer({ name: 'as-057', resources: Object.values(R) }));
  suite.addLogs(as.logFile);
  const location = (name, resource, lines = '') => `
<Location /${name}/mcp>
  AuthType MCP
  MCPAuthResource ${resource}
  ${lines}
  Require valid-user
  SetHandler mcp
</Location>`;
  const common = `
# Loopback test server only: plain http to the authorization server.
MCPAuthAllowHTTP         On
MCPAuthIssuer            ${as.issuer}
MCPAuthIntrospectionURL  ${as.introspectionUrl}
MCPAuthIntrospectionAuth client_secret_basic mcp-rs dev-secret
MCPAuthRequireScope      mcp:tools
${PID_LOG}
${SID_LOG}`;
  [ev, pf] = await Promise.all([
    startApache({
      name: 'sessions-event',
      ports: [PE],
      mpm: 'event',
      mpmConfig: EVENT,
      body: `${common}
${location('main', R.main)}
${location('off', R.off, 'MCPSessions Off')}
${location('idle', R.idle, 'MCPSessionIdleTimeout 10s')}`,
    }),
    startApache({
      name: 'sessions-prefork',
      ports: [PP],
      mpm: 'prefork',
      mpmConfig: PREFORK,
      body: `${common}
${location('main', R.pf)}`,
    }),
  ]);
  for (const h of [ev, pf]) {
    suite.started(h);
    suite.addLogs(...h.logFiles(), `${h.run}/pids.log`);
  }
});

after(() => suite.stopAll());

async function token(resource, client = 'test-cc') {
  const t = await as.token({ resource, client });
  return secrets.add(t.token, `access token of ${client} for ${resource}`);
}
// Every session id is a secret of this file: no log may contain it.
const sessionOf = async (url, t) => secrets.add(await openSession(url, t), 'an MCP session id');

// ---- one session, many processes ---------------------------------------------

async function manyProcesses(httpd, url) {
  const t = await token(url);
  const urlPath = new URL(url).pathname;
  const from = pidLog(httpd).length;
  const sid = await sessionOf(url, t);
  const [init] = await servedBy(httpd, from, urlPath, 1);
  const { results, wrong } = await manyAdds(url, { token: t, sid, n: 100, concurrency: 10 });
  assert.equal(results.length, 100);
  assert.deepEqual(wrong, [], `${wrong.length} of 100 requests in the session failed`);
  // initialize, notifications/initialized (202), then the 100 calls; two
  // processes write their lines in no particular order, so the 202 is
  // taken out wherever it stands, and the first line (initialize)
  const all = await servedBy(httpd, from, urlPath, 102);
  const i202 = all.findIndex((l) => l.status === 202);
  assert.ok(i202 >= 0, 'the notifications/initialized line');
  const lines = all.filter((_, i) => i !== i202).slice(1);
  assert.equal(lines.length, 100, 'pids.log lines of the calls');
  assert.deepEqual([...new Set(lines.map((l) => l.status))], [200]);
  const pids = new Set(lines.map((l) => l.pid));
  assert.ok(pids.size >= 2, `the 100 calls were served by ${pids.size} process(es): ${[...pids].join(', ')}`);
  assert.ok(lines.some((l) => l.pid !== init.pid), `every call was served by the process that created the session (${init.pid})`);
}

test('event, 2 processes: one initialize, then 100 tools/call add in its session (new connections, 10 at a time) → 100 × 200, more than one process', async () => {
  await manyProcesses(ev, R.main);
});

test('prefork, 4 children: one initialize, then 100 tools/call add in its session (new connections, 10 at a time) → 100 × 200, more than one process', async () => {
  await manyProcesses(pf, R.pf);
});

// ---- bound to its user ----------------------------------------------------------

test('another user\'s valid token with alice\'s session id → 404 "Session not found" (POST and DELETE); alice\'s session goes on', async () => {
  const alice = await token(R.main, 'test-cc');
  const mallory = await token(R.main, 'test-cc-typjwt');
  const sid = await sessionOf(R.main, alice);
  await add(R.main, { token: alice, sid, a: 1, b: 1 });
  // mallory's token is fine on its own (a session of mallory's works)
  await add(R.main, { token: mallory, sid: await sessionOf(R.main, mallory), a: 2, b: 2 });
  assertSessionNotFound(await post(R.main, addMessage(31, 3, 4), { token: mallory, sid }), 31);
  assertSessionNotFound(await post(R.main, { jsonrpc: '2.0', id: 32, method: 'ping' }, { token: mallory, sid }), 32);
  assertSessionNotFound(await del(R.main, { token: mallory, sid }));
  // neither request ended or took over the session
  await add(R.main, { token: alice, sid, a: 5, b: 6, id: 33 });
  // a new token of the same caller keeps the session (as a refreshed one does)
  const alice2 = await token(R.main, 'test-cc');
  assert.notEqual(alice2, alice);
  await add(R.main, { token: alice2, sid, a: 7, b: 8, id: 34 });
  assertDeleted(await del(R.main, { token: alice2, sid }));
});

// ---- the rules --------------------------------------------------------------------

test('without Mcp-Session-Id: tools/call, ping, notifications/initialized → 400 with the exact body; initialize → 200 with a new id', async () => {
  const t = await token(R.main);
  assertSessionRequired(await post(R.main, addMessage(41, 1, 2), { token: t }));
  assertSessionRequired(await post(R.main, { jsonrpc: '2.0', id: 42, method: 'ping' }, { token: t }));
  assertSessionRequired(await post(R.main, { jsonrpc: '2.0', method: 'notifications/initialized' }, { token: t }));
  const a = await initialize(R.main, t);
  const b = await initialize(R.main, t);
  for (const sid of [a.sid, b.sid]) secrets.add(sid, 'an MCP session id');
  // 128 random bits, base64url: 22 characters
  assert.match(a.sid, /^[A-Za-z0-9_-]{22}$/, `session id ${a.sid}`);
  assert.notEqual(a.sid, b.sid, 'two initializes, two sessions');
});

test('unknown and malformed session ids → 404 "Session not found"', async () => {
  const t = await token(R.main);
  const sid = await sessionOf(R.main, t);
  const unknown = ['AAAAAAAAAAAAAAAAAAAAAA', `${sid.slice(0, -1)}${sid.at(-1) === 'A' ? 'B' : 'A'}`, `${sid}x`];
  const malformed = ['not a session id at all', 'x'.repeat(200), 'short', `${sid} `.repeat(2).trim(), `${sid.slice(0, 10)}+/${sid.slice(12)}`];
  for (const bad of [...unknown, ...malformed]) {
    assertSessionNotFound(await post(R.main, addMessage(50, 1, 2), { token: t, sid: bad }), 50);
  }
  // none of it harmed the real one
  await add(R.main, { token: t, sid, id: 51 });
});

test('initialize inside a session → 400, error -32600 with the request id; the session goes on', async () => {
  const t = await token(R.main);
  const sid = await sessionOf(R.main, t);
  const res = await post(R.main, initializeMessage('again', PROTOCOL), { token: t, sid });
  assert.equal(res.status, 400, `${res.status} ${res.text}`);
  assert.equal((res.headers['content-type'] ?? '').split(';')[0], 'application/json');
  const msg = res.json();
  assert.equal(msg.jsonrpc, '2.0');
  assert.equal(msg.id, 'again');
  assert.equal(msg.error?.code, -32600, res.text);
  assert.deepEqual(res.all('mcp-session-id'), []);
  await add(R.main, { token: t, sid, id: 61 });
});

test('DELETE: without an id → 400; unknown id → 404; with the id → 200 empty, then POST and DELETE with it → 404', async () => {
  const t = await token(R.main);
  const sid = await sessionOf(R.main, t);
  assertSessionRequired(await del(R.main, { token: t }));
  assertSessionNotFound(await del(R.main, { token: t, sid: 'AAAAAAAAAAAAAAAAAAAAAA' }));
  await add(R.main, { token: t, sid, id: 71 });
  assertDeleted(await del(R.main, { token: t, sid }));
  assertSessionNotFound(await post(R.main, addMessage(72, 1, 2), { token: t, sid }), 72);
  assertSessionNotFound(await post(R.main, { jsonrpc: '2.0', method: 'notifications/initialized' }, { token: t, sid }));
  assertSessionNotFound(await del(R.main, { token: t, sid }));
});

test('MCPSessions Off: initialize answers without Mcp-Session-Id; requests without one are served', async () => {
  const t = await token(R.off);
  const { res, sid } = await initialize(R.off, t);
  assert.equal(sid, undefined, `Mcp-Session-Id ${sid} although MCPSessions is Off`);
  assert.equal(res.headers['mcp-session-id'], undefined);
  const n = await post(R.off, { jsonrpc: '2.0', method: 'notifications/initialized' }, { token: t });
  assert.equal(n.status, 202, n.text);
  await add(R.off, { token: t, id: 81, a: 20, b: 22 });
  const p = await post(R.off, { jsonrpc: '2.0', id: 82, method: 'ping' }, { token: t });
  assert.equal(p.status, 200, p.text);
  assert.deepEqual(p.json(), { jsonrpc: '2.0', id: 82, result: {} });
});

test('MCPSessionIdleTimeout 10s: unused for 11.5 s → 404; used every 3 s → alive at 14 s; used once at 8.5 s → alive then', async () => {
  const t = await token(R.idle);
  // the three sessions are created together; times are from their creation
  const [idle, kept, mid] = await Promise.all([0, 1, 2].map(() => sessionOf(R.idle, t)));
  const t0 = Date.now();
  const at = (ms) => sleep(Math.max(0, t0 + ms - Date.now()));
  const keep = (async () => {
    // every 3 s: each use is more than idle/8 (1.25 s) after the previous
    // one, so each may refresh the record
    for (let k = 1; k * 3000 <= 14000; k++) {
      await at(k * 3000);
      await add(R.idle, { token: t, sid: kept, id: 100 + k, a: k, b: k });
    }
  })();
  await at(8500);
  await add(R.idle, { token: t, sid: mid, id: 90 });
  await at(11500);
  assertSessionNotFound(await post(R.idle, addMessage(91, 1, 2), { token: t, sid: idle }), 91);
  await keep;
  assert.ok(Date.now() - t0 >= 12000);
  await add(R.idle, { token: t, sid: kept, id: 92, a: 40, b: 2 });
  assertDeleted(await del(R.idle, { token: t, sid: kept }));
});

// ---- the id is a secret ---------------------------------------------------------

test('session ids never appear in the error log (LogLevel trace8) nor in the standard access log; a LogFormat with %{Mcp-Session-Id}i does log them', async () => {
  const sids = secrets.list().filter((s) => s.label === 'an MCP session id').map((s) => s.value);
  assert.ok(sids.length >= 10, `session ids of this file: ${sids.length}`);
  for (const h of [ev, pf]) {
    const error = h.errorLog();
    // (a prefork child may have nothing to say at trace8 itself)
    assert.match(readFileSync(h.conf, 'utf8'), /^LogLevel\s+trace8\b/m, `${h.name} is not at trace8`);
    assert.match(error, /:trace[6-8]\]/, `${h.name}: no trace6-8 line in the error log`);
    const access = h.accessLog();
    const control = existsSync(path.join(h.run, 'sessions.txt')) ? readFileSync(path.join(h.run, 'sessions.txt'), 'utf8') : '';
    const mine = sids.filter((sid) => control.includes(sid));
    assert.ok(mine.length >= 1, `${h.name}: the %{Mcp-Session-Id}i log has none of the session ids`);
    // the lines that hold an id, with the id masked
    const leaks = (text) => text.split('\n').filter((l) => mine.some((sid) => l.includes(sid)))
      .map((l) => mine.reduce((x, sid) => x.replaceAll(sid, '<session id>'), l));
    const inError = leaks(error);
    assert.deepEqual(inError, [], `${h.name}: ${inError.length} error log line(s) hold a session id, e.g.\n${inError.slice(0, 3).join('\n')}`);
    assert.deepEqual(leaks(access), [], `${h.name}: the standard access log holds a session id`);
  }
});

test('no token, secret, session id or Authorization value in any log', async () => {
  assert.deepEqual(await suite.secretFindings(), []);
});
