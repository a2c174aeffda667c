// MCP sessions across servers and with the official SDK client
// (docs/directives.md MCPSessions; docs/behaviour.md, the endpoint table):
// two Apaches sharing one memcached and one MCPAuthCacheSecret serve each
// other's sessions (and end them for each other); a server with another
// secret does not know them; the SDK client keeps its session across a token
// refresh and ends it with DELETE; while memcached is down the endpoint
// works without sessions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApache } from './lib/apache.mjs';
import { freePorts, sleep } from './lib/env.mjs';
import { startAuthServer } from './lib/authserver.mjs';
import { startMemcached } from './lib/cacheservers.mjs';
import { fileSuite } from './lib/suite.mjs';
import { moduleWarnings } from './lib/cachetest.mjs';
import { sdkConnect } from './lib/sdksession.mjs';
import {
  post, del, initialize, openSession, add, addMessage,
  assertSessionNotFound, assertDeleted,
} from './lib/sessions.mjs';

const suite = fileSuite('057-sessions-shared');
const { secrets } = suite;
const SECRET = secrets.add('session cache passphrase 3d9e0c71', 'MCPAuthCacheSecret');
const OTHER_SECRET = secrets.add('other session passphrase a4b18f25', 'the other MCPAuthCacheSecret');
// Access token lifetime of the SDK's authorization server (AS_TOKEN_TTL).
const SDK_TTL = 4;
let as; let sdkAs; let mc;
const H = {}; // A, B: memcached, SECRET; C: memcached, OTHER_SECRET
let RM; let RS;

before(async () => {
  const [PA, PB, PC] = await freePorts(3);
  // Servers behind one name: every one protects the same resources.
  RM = `http://127.0.0.1:${PA}/mcp`;
  RS = `http://127.0.0.1:${PA}/sdk/mcp`;
  [as, sdkAs, mc] = await Promise.all([
    startAuthServer({ name: 'as-057-shared', resources: [RM] }),
    startAuthServer({ name: 'as-057-sdk', resources: [RS], env: { AS_TOKEN_TTL: String(SDK_TTL) } }),
    startMemcached({ name: 'memcached-057' }),
  ]);
  for (const s of [as, sdkAs, mc]) {
    suite.started(s);
    suite.addLogs(s.logFile);
  }
  const location = (p, resource, issuer) => `
<Location ${p}>
  AuthType MCP
  MCPAuthResource          ${resource}
  MCPAuthIssuer            ${issuer.issuer}
  MCPAuthIntrospectionURL  ${issuer.introspectionUrl}
  MCPAuthIntrospectionAuth client_secret_basic mcp-rs dev-secret
  Require valid-user
  SetHandler mcp
</Location>`;
  const body = (secret) => `
# Loopback test server only: plain http to the authorization servers.
MCPAuthAllowHTTP    On
MCPAuthCache        memcache:${mc.spec}
MCPAuthCacheSecret  "${secret}"
MCPAuthRequireScope mcp:tools
${location('/mcp', RM, as)}
${location('/sdk/mcp', RS, sdkAs)}
`;
  const list = await Promise.all([['A', PA, SECRET], ['B', PB, SECRET], ['C', PC, OTHER_SECRET]].map(([name, port, secret]) =>
    startApache({ name: `sessions-${name}`, ports: [port], modules: ['socache_memcache'], body: body(secret) })));
  for (const h of list) {
    const name = h.name.slice(-1);
    H[name] = suite.started(h);
    suite.addLogs(...h.logFiles());
    h.url = `http://127.0.0.1:${h.ports[0]}/mcp`;
  }
});

after(() => suite.stopAll());

async function token() {
  const t = await as.token({ resource: RM });
  return secrets.add(t.token, 'access token for the shared /mcp');
}
const sessionOf = async (url, t) => secrets.add(await openSession(url, t), 'an MCP session id');

test('two servers, one memcached, one secret: a session created on A is served alternately by A and B (20 × 200); DELETE on B ends it for A too', async () => {
  const { A, B } = H;
  const t = await token();
  const sid = await sessionOf(A.url, t);
  for (let i = 0; i < 20; i++) {
    await add(i % 2 ? B.url : A.url, { token: t, sid, id: 200 + i, a: i, b: 100 });
  }
  assertDeleted(await del(B.url, { token: t, sid }));
  assertSessionNotFound(await post(A.url, addMessage(221, 1, 2), { token: t, sid }), 221);
  assertSessionNotFound(await post(B.url, addMessage(222, 1, 2), { token: t, sid }), 222);
  assertSessionNotFound(await del(A.url, { token: t, sid }));
});

test('a session created on B is served by A; on a server with another MCPAuthCacheSecret it is unknown (404, a warning)', async () => {
  const { A, B, C } = H;
  const t = await token();
  const sid = await sessionOf(B.url, t);
  await add(A.url, { token: t, sid, id: 231 });
  const mark = C.mark();
  assertSessionNotFound(await post(C.url, addMessage(232, 1, 2), { token: t, sid }), 232);
  const warnings = moduleWarnings(C.errorLogSince(mark));
  assert.ok(warnings.length >= 1, 'no warning of mod_mcp_auth in the error log of C');
  // C's refusal did not harm it
  await add(B.url, { token: t, sid, id: 233 });
  assertDeleted(await del(A.url, { token: t, sid }));
});

test(`the official SDK client: OAuth flow, tools/list, add; the access token expires (AS_TOKEN_TTL ${SDK_TTL}) and is refreshed mid-session, the session id stays; multiply; terminateSession → DELETE 200, then the id is unknown (404)`, async () => {
  const s = await sdkConnect(RS, { onToken: (value, label) => secrets.add(value, label) });
  try {
    const sid = s.transport.sessionId;
    assert.ok(sid, 'the SDK got no Mcp-Session-Id from initialize');
    secrets.add(sid, 'an MCP session id');
    const { tools } = await s.client.listTools();
    assert.deepEqual(tools.map((x) => x.name).sort(), ['add', 'multiply']);
    const a = await s.client.callTool({ name: 'add', arguments: { a: 2, b: 3 } });
    assert.equal(a.structuredContent?.result, 5);
    assert.equal(s.accessTokens.length, 1, 'one access token before it expires');
    const firstToken = s.accessTokens[0];
    assert.equal(firstToken.expiresIn, SDK_TTL);
    const before = s.records.length;

    // past the first token's exp (+2.5 s: whole-second cache TTLs)
    await sleep(Math.max(0, firstToken.savedAt + SDK_TTL * 1000 + 2500 - Date.now()));
    const b = await s.client.callTool({ name: 'add', arguments: { a: 10, b: 32 } });
    assert.equal(b.structuredContent?.result, 42);
    assert.equal(s.accessTokens.length, 2, 'a new access token after the refresh');
    assert.notEqual(s.accessTokens[1].value, firstToken.value);
    assert.equal(s.transport.sessionId, sid, 'the session id changed across the refresh');
    const m = await s.client.callTool({ name: 'multiply', arguments: { x: 4, y: 2.5 } });
    assert.equal(m.structuredContent?.result, 10);

    // what went over the wire after the token expired: 401, refresh, retry
    const after = s.records.slice(before);
    const show = JSON.stringify(after, null, 1);
    const i401 = after.findIndex((r) => r.url === RS && r.rpc === 'tools/call' && r.status === 401);
    assert.ok(i401 >= 0, `no 401 for the expired token:\n${show}`);
    const iRefresh = after.findIndex((r, i) => i > i401 && r.grant_type === 'refresh_token');
    assert.ok(iRefresh > i401, `no refresh_token grant after the 401:\n${show}`);
    assert.equal(after[iRefresh].status, 200, show);
    const iRetry = after.findIndex((r, i) => i > iRefresh && r.url === RS && r.rpc === 'tools/call');
    assert.ok(iRetry > iRefresh && after[iRetry].status === 200, `the call was not retried with success:\n${show}`);
    assert.ok(!after.some((r) => r.grant_type === 'authorization_code' || r.rpc === 'initialize'), `a new login or initialize:\n${show}`);
    // every request to the endpoint after initialize carried the one id
    const init = s.records.findIndex((r) => r.url === RS && r.rpc === 'initialize' && r.status === 200);
    assert.equal(s.records[init].sidReceived, sid);
    const later = s.records.slice(init + 1).filter((r) => r.url === RS);
    assert.ok(later.length >= 6, show);
    assert.deepEqual(later.filter((r) => r.sidSent !== sid).map((r) => `#${r.n} ${r.method} ${r.rpc ?? ''}`), []);

    await s.transport.terminateSession();
    const d = s.records.at(-1);
    assert.deepEqual([d.method, d.url, d.sidSent, d.status], ['DELETE', RS, sid, 200], 'terminateSession');
    assert.equal(s.transport.sessionId, undefined);
    const t = s.accessToken();
    assert.equal(t, s.accessTokens[1].value);
    assertSessionNotFound(await post(RS, addMessage(241, 1, 2), { token: t, sid }), 241);
  } finally {
    await s.close();
  }
});

// Last but one: it stops memcached.
test('memcached down: initialize answers without Mcp-Session-Id and requests without one are served; back up: sessions again', async () => {
  const { A } = H;
  const t = await token();
  await mc.stop();
  try {
    const { sid } = await initialize(A.url, t);
    assert.equal(sid, undefined, 'a session id although the cache is down');
    await add(A.url, { token: t, id: 251 });
    const n = await post(A.url, { jsonrpc: '2.0', method: 'notifications/initialized' }, { token: t });
    assert.equal(n.status, 202, n.text);
  } finally {
    await mc.start();
  }
  // apr_memcache retries a dead server after about 5 s, and each server
  // finds out about its broken connections on its own: poll until a new
  // session on A is served by B too.
  let served = null;
  for (const end = Date.now() + 30000; !served && Date.now() < end;) {
    const { sid } = await initialize(A.url, t);
    if (sid) {
      secrets.add(sid, 'an MCP session id');
      const res = await post(H.B.url, addMessage(252, 1, 2), { token: t, sid });
      if (res.status === 200) served = sid;
    }
    if (!served) await sleep(500);
  }
  assert.ok(served, 'no session created on A and served by B within 30 s of the restart of memcached');
  await add(A.url, { token: t, sid: served, id: 253 });
});

test('no token, secret, session id or Authorization value in any log', async () => {
  assert.deepEqual(await suite.secretFindings(), []);
});
