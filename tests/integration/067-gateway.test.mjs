// Gateway mode: AuthType MCP in front of a real MCP server behind
// mod_proxy (server-everything over Streamable HTTP, dev/gateway-backend.mjs),
// with per-tool scopes (MCPAuthToolScope get-env mcp:admin).  The same rules
// on the built-in endpoint (multiply needs mcp:admin there).
//
// What a user sees: tools/list without the tools the token may not call;
// a call of such a tool answered 403 with the challenge that makes the SDK
// client step up (every scope the call needs); the official SDK client
// doing that step-up on its own; progress notifications streamed through
// as they are sent; another user's session id answered 404; bodies that are
// not JSON-RPC never reaching the server; the server never seeing the
// client's token or a forged identity header.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { startApache } from './lib/apache.mjs';
import { startAuthServer } from './lib/authserver.mjs';
import { startBackend, BACKEND_TOOLS } from './lib/backend.mjs';
import { freePorts } from './lib/env.mjs';
import { rpc, request, initializeMessage, MCP_ACCEPT } from './lib/http.mjs';
import { sdkConnect } from './lib/sdksession.mjs';
import { fileSuite } from './lib/suite.mjs';

const suite = fileSuite('067-gateway');
const { secrets } = suite;
let R; let RB; let RJ; let RS; let as; let backend; let jsonBackend; let httpd;

before(async () => {
  const [P] = await freePorts(1);
  R = `http://127.0.0.1:${P}/mcp`;
  RB = `http://127.0.0.1:${P}/builtin/mcp`;
  RJ = `http://127.0.0.1:${P}/json/mcp`;
  RS = `http://127.0.0.1:${P}/small/mcp`;
  as = suite.started(await startAuthServer({ name: 'as-067', resources: [R, RB, RJ, RS] }));
  suite.addLogs(as.logFile);
  backend = suite.started(await startBackend({ name: 'backend-067' }));
  suite.addLogs(backend.logFile);
  jsonBackend = suite.started(await startBackend({ name: 'backend-067-json', env: { MCP_BACKEND_JSON: '1' } }));
  suite.addLogs(jsonBackend.logFile);
  const common = `
  AuthType MCP
  MCPAuthIssuer            ${as.issuer}
  MCPAuthAllowHTTP         On
  MCPAuthIntrospectionURL  ${as.introspectionUrl}
  MCPAuthIntrospectionAuth client_secret_basic mcp-rs dev-secret
  MCPAuthRequireScope      mcp:tools
  MCPAuthScopesSupported   mcp:tools mcp:admin
  Require valid-user`;
  httpd = suite.started(await startApache({
    name: 'gateway',
    ports: [P],
    modules: ['proxy', 'proxy_http'],
    body: `
<Location /mcp>${common}
  MCPAuthResource  ${R}
  MCPAuthToolScope get-env mcp:admin
  ProxyPass ${backend.url}
</Location>
<Location /json/mcp>${common}
  MCPAuthResource  ${RJ}
  MCPAuthToolScope get-env mcp:admin
  ProxyPass ${jsonBackend.url}
</Location>
<Location /small/mcp>${common}
  MCPAuthResource  ${RS}
  MCPAuthToolScope get-env mcp:admin
  MCPMaxListSize   1K
  ProxyPass ${jsonBackend.url}
</Location>
<Location /builtin/mcp>${common}
  MCPAuthResource  ${RB}
  MCPAuthToolScope multiply mcp:admin
  SetHandler mcp
</Location>
`,
  }));
  suite.addLogs(...httpd.logFiles());
});

after(async () => {
  await suite.stopAll();
});

async function tokenFor(resource, scope = 'mcp:tools', client = 'test-cc') {
  const { token } = await as.token({ resource, scope, client });
  secrets.add(token, `${client} token (${scope}) for ${resource}`);
  return token;
}

// The JSON-RPC messages of an answer: a JSON body, or the data of each SSE event.
function messages(res) {
  if (/^text\/event-stream/.test(res.headers['content-type'] ?? '')) {
    return res.text.split(/\r?\n\r?\n/).map((ev) => ev.split(/\r?\n/)
      .filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n'))
      .filter(Boolean).map((d) => JSON.parse(d));
  }
  return [res.json()].flat();
}

// initialize + notifications/initialized through the gateway: the session id.
async function openSession(url, token) {
  const init = await rpc(url, initializeMessage(), { token });
  assert.equal(init.status, 200, init.text);
  const sid = init.headers['mcp-session-id'];
  assert.ok(sid, 'the server issued a session');
  const h = { 'Mcp-Session-Id': sid, 'MCP-Protocol-Version': '2025-11-25' };
  const done = await rpc(url, { jsonrpc: '2.0', method: 'notifications/initialized' }, { token, headers: h });
  assert.equal(done.status, 202, done.text);
  return h;
}

const listTools = (id = 2) => ({ jsonrpc: '2.0', id, method: 'tools/list', params: {} });
const callTool = (name, args = {}, id = 3, meta) => ({
  jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args, ...(meta ? { _meta: meta } : {}) },
});

test('tools/list through the gateway: get-env hidden without mcp:admin, shown with it (SSE answer filtered)', async () => {
  const user = await tokenFor(R);
  const h = await openSession(R, user);
  const res = await rpc(R, listTools(), { token: user, headers: h });
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers['content-type'], /^text\/event-stream/, 'server-everything answers with SSE');
  const names = messages(res).find((m) => m.id === 2).result.tools.map((t) => t.name);
  assert.ok(names.includes(BACKEND_TOOLS.echo), `echo listed: ${names}`);
  assert.ok(!names.includes(BACKEND_TOOLS.env), `get-env hidden: ${names}`);
  assert.ok(names.length >= 5, `the other tools stay: ${names}`);

  const admin = await tokenFor(R, 'mcp:tools mcp:admin');
  const h2 = await openSession(R, admin);
  const res2 = await rpc(R, listTools(), { token: admin, headers: h2 });
  const names2 = messages(res2).find((m) => m.id === 2).result.tools.map((t) => t.name);
  assert.ok(names2.includes(BACKEND_TOOLS.env), `get-env listed for mcp:admin: ${names2}`);
  assert.equal(names2.length, names.length + 1);
});

test('a JSON tools/list answer is filtered too; one over MCPMaxListSize becomes 502, never passed unfiltered', async () => {
  const user = await tokenFor(RJ);
  const h = await openSession(RJ, user);
  const res = await rpc(RJ, listTools(), { token: user, headers: h });
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers['content-type'], /^application\/json/);
  assert.equal(Number(res.headers['content-length']), Buffer.byteLength(res.text), 'the length of what was sent');
  const names = res.json().result.tools.map((t) => t.name);
  assert.ok(names.includes(BACKEND_TOOLS.echo) && !names.includes(BACKEND_TOOLS.env), `${names}`);

  const small = await tokenFor(RS);
  const hs = await openSession(RS, small);
  const big = await rpc(RS, listTools(), { token: small, headers: hs });
  assert.equal(big.status, 502, big.text);
  assert.ok(!big.text.includes(BACKEND_TOOLS.env), 'nothing of the answer got out');
  assert.match(httpd.errorLogSince(0), /MCP01002: .*larger than MCPMaxListSize/);
  // other answers are not held: a call goes through as is
  const echo = await rpc(RS, callTool(BACKEND_TOOLS.echo, { message: 'small' }), { token: small, headers: hs });
  assert.equal(echo.status, 200);
  assert.match(echo.json().result.content[0].text, /small/);
});

test('a hidden tool stays uncallable: 403 insufficient_scope naming every scope the call needs; the server never sees the call', async () => {
  const user = await tokenFor(R);
  const h = await openSession(R, user);
  const before = backend.requests().length;
  const res = await rpc(R, callTool(BACKEND_TOOLS.env), { token: user, headers: h });
  assert.equal(res.status, 403, res.text);
  assert.equal(res.headers['www-authenticate'],
    `Bearer error="insufficient_scope", error_description="the tool needs more scope than the token has", `
    + `resource_metadata="http://127.0.0.1:${new URL(R).port}/.well-known/oauth-protected-resource/mcp", scope="mcp:tools mcp:admin"`);
  assert.equal(res.json().error, 'insufficient_scope');
  assert.equal(backend.requests().length, before, 'nothing reached the backend');

  // the same call with mcp:admin goes through
  const admin = await tokenFor(R, 'mcp:tools mcp:admin');
  const h2 = await openSession(R, admin);
  const ok = await rpc(R, callTool(BACKEND_TOOLS.env), { token: admin, headers: h2 });
  assert.equal(ok.status, 200, ok.text);
  const result = messages(ok).find((m) => m.id === 3).result;
  assert.ok(!result.isError, JSON.stringify(result));
  assert.match(result.content[0].text, /MCP_BACKEND_NAME/);
});

test('every message of a batch is checked: echo + get-env → 403, nothing forwarded', async () => {
  const user = await tokenFor(R);
  const h = await openSession(R, user);
  const before = backend.requests().length;
  const res = await rpc(R, [callTool(BACKEND_TOOLS.echo, { message: 'hi' }, 4), callTool(BACKEND_TOOLS.env, {}, 5)],
    { token: user, headers: h });
  assert.equal(res.status, 403, res.text);
  assert.match(res.headers['www-authenticate'], /scope="mcp:tools mcp:admin"/);
  assert.equal(backend.requests().length, before);
});

test('a body that is not JSON-RPC is refused with 400 and never passed on', async () => {
  const user = await tokenFor(R);
  const h = await openSession(R, user);
  const before = backend.requests().length;
  const cases = [
    ['{"jsonrpc":"2.0","id":1,"method":', -32700],
    ['{"hello":"world"}', -32600],
    ['[{"jsonrpc":"2.0","id":1,"method":"ping"}, 7]', -32600],
    [JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: ['get-env'] } }), -32602],
    ['{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","name":"get-env"}}', -32700],
  ];
  for (const [raw, code] of cases) {
    const res = await rpc(R, null, { token: user, headers: h, raw });
    assert.equal(res.status, 400, `${raw}: ${res.text}`);
    assert.equal(res.json().error.code, code, raw);
  }
  const ct = await rpc(R, null, { token: user, headers: { ...h, 'Content-Type': 'text/plain' }, raw: '{}' });
  assert.equal(ct.status, 415);
  assert.equal(backend.requests().length, before, 'the backend saw none of them');
});

test('the backend never sees the client\'s Authorization or a forged identity header; it gets the real identity', async () => {
  const user = await tokenFor(R);
  const from = backend.requests().length;
  const res = await rpc(R, initializeMessage(), {
    token: user,
    headers: { 'X-MCP-Sub': 'forged', 'X-MCP-Client-Id': 'forged', 'X-MCP-Scope': 'mcp:admin' },
  });
  assert.equal(res.status, 200, res.text);
  const seen = backend.requests().slice(from);
  assert.equal(seen.length, 1);
  const { headers, rawHeaders } = seen[0];
  assert.equal(headers.authorization, undefined);
  assert.ok(!rawHeaders.some((v) => typeof v === 'string' && v.includes(user)), 'the token is nowhere');
  assert.equal(headers['x-mcp-client-id'], 'test-cc');
  assert.equal(headers['x-mcp-scope'], 'mcp:tools');
  assert.ok(!JSON.stringify(rawHeaders).includes('forged'), JSON.stringify(rawHeaders));
});

test('session binding: another user\'s token with the session id → 404 (the server never asked); the owner goes on; DELETE ends it', async () => {
  const alice = await tokenFor(R, 'mcp:tools', 'test-cc');
  const mallory = await tokenFor(R, 'mcp:tools', 'test-cc-short');
  const h = await openSession(R, alice);
  const before = backend.requests().length;
  for (const method of ['POST', 'GET', 'DELETE']) {
    const res = method === 'POST'
      ? await rpc(R, listTools(), { token: mallory, headers: h })
      : await request(R, { method, headers: { ...h, Accept: MCP_ACCEPT, Authorization: `Bearer ${mallory}` } });
    assert.equal(res.status, 404, `${method}: ${res.text}`);
    assert.equal(res.json().error.code, -32001);
  }
  assert.equal(backend.requests().length, before, 'hijack attempts never reached the server');
  const own = await rpc(R, listTools(), { token: alice, headers: h });
  assert.equal(own.status, 200);
  const del = await request(R, { method: 'DELETE', headers: { ...h, Authorization: `Bearer ${alice}` } });
  assert.equal(del.status, 200, del.text);
  const after = await rpc(R, listTools(), { token: alice, headers: h });
  assert.equal(after.status, 404, 'a deleted session is gone at the gateway too');
  // an id the gateway never saw issued
  const forged = await rpc(R, listTools(), { token: alice, headers: { ...h, 'Mcp-Session-Id': 'made-up' } });
  assert.equal(forged.status, 404);
});

test('the server\'s own 404 and 405 pass through untouched', async () => {
  const user = await tokenFor(R);
  const nf = await request(`${R}/nothing-here`, { headers: { Authorization: `Bearer ${user}` } });
  assert.equal(nf.status, 404);
  assert.equal(nf.text, '{"error":"not_found"}');
  const na = await request(R, { method: 'PUT', headers: { Authorization: `Bearer ${user}`, 'Content-Type': 'application/json' }, body: '{}' });
  assert.equal(na.status, 405);
  assert.equal(na.headers.allow, 'GET, POST, DELETE');
  assert.equal(na.json().error.message, 'Method not allowed.');
});

test('progress notifications stream through as the server sends them, not at the end', async () => {
  const user = await tokenFor(R);
  const h = await openSession(R, user);
  const body = JSON.stringify(callTool(BACKEND_TOOLS.progress, { duration: 2, steps: 4 }, 7, { progressToken: 'p1' }));
  const u = new URL(R);
  const started = performance.now();
  const arrivals = await new Promise((resolve, reject) => {
    const got = [];
    const req = http.request({
      host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent: false,
      headers: { ...h, 'Content-Type': 'application/json', Accept: MCP_ACCEPT, Authorization: `Bearer ${user}`, 'Content-Length': Buffer.byteLength(body) },
    }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        buf += chunk;
        let i;
        while ((i = buf.search(/\r?\n\r?\n/)) >= 0) {
          const ev = buf.slice(0, i);
          buf = buf.slice(i).replace(/^\r?\n\r?\n/, '');
          const data = ev.split(/\r?\n/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
          if (data) got.push({ at: performance.now() - started, msg: JSON.parse(data) });
        }
      });
      res.on('end', () => resolve(got));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
  const progress = arrivals.filter((a) => a.msg.method === 'notifications/progress');
  const result = arrivals.find((a) => a.msg.id === 7);
  assert.ok(result, 'the result arrived');
  assert.ok(progress.length >= 3, `progress notifications: ${progress.length}`);
  assert.ok(result.at >= 1800, `the call lasts its 2 s (${Math.round(result.at)} ms)`);
  assert.ok(progress[0].at < result.at - 1000,
    `the first progress came ${Math.round(progress[0].at)} ms in, the result at ${Math.round(result.at)} ms`);
});

test('the official SDK client through the gateway: OAuth, tools/list without get-env, 403 step-up, re-authorization, the call succeeds', async () => {
  const s = await sdkConnect(R, {
    onToken: (v, label) => secrets.add(v, label),
    name: 'mod_mcp_auth-067-gateway',
    grantTypes: ['authorization_code'],
  });
  try {
    const { tools } = await s.client.listTools();
    const names = tools.map((t) => t.name);
    assert.ok(names.includes(BACKEND_TOOLS.echo) && !names.includes(BACKEND_TOOLS.env), `${names}`);
    const echo = await s.client.callTool({ name: BACKEND_TOOLS.echo, arguments: { message: 'through the gateway' } });
    assert.match(echo.content[0].text, /through the gateway/);

    let stepUp;
    try {
      await s.client.callTool({ name: BACKEND_TOOLS.env, arguments: {} });
      assert.fail('get-env went through with mcp:tools only');
    } catch (err) {
      stepUp = err;
    }
    assert.ok(stepUp instanceof UnauthorizedError, `the client stepped up: ${stepUp}`);
    const denied = s.records.find((r) => r.status === 403 && r.tool === BACKEND_TOOLS.env);
    assert.ok(denied, 'the call was answered 403');
    await s.transport.finishAuth(s.provider.takeCode());
    const env = await s.client.callTool({ name: BACKEND_TOOLS.env, arguments: {} });
    assert.ok(!env.isError, JSON.stringify(env));
    assert.match(env.content[0].text, /MCP_BACKEND_NAME/);
    const grants = s.records.filter((r) => r.grant_type === 'authorization_code').length;
    assert.equal(grants, 2, 'two authorizations: mcp:tools, then mcp:tools mcp:admin');
    const { tools: after } = await s.client.listTools();
    assert.ok(after.map((t) => t.name).includes(BACKEND_TOOLS.env), 'now get-env is listed');
  } finally {
    await s.close();
  }
});

test('built-in endpoint, same rules: multiply hidden and 403 without mcp:admin, add callable', async () => {
  const user = await tokenFor(RB);
  const h = await openSession(RB, user);
  const list = await rpc(RB, listTools(), { token: user, headers: h });
  const names = list.json().result.tools.map((t) => t.name);
  assert.ok(names.includes('add') && !names.includes('multiply'), `${names}`);
  const denied = await rpc(RB, callTool('multiply', { x: 2, y: 3 }), { token: user, headers: h });
  assert.equal(denied.status, 403);
  assert.match(denied.headers['www-authenticate'], /error="insufficient_scope".*scope="mcp:tools mcp:admin"/);
  const add = await rpc(RB, callTool('add', { a: 2, b: 3 }), { token: user, headers: h });
  assert.equal(add.json().result.content[0].text, '5');
  const admin = await tokenFor(RB, 'mcp:tools mcp:admin');
  const h2 = await openSession(RB, admin);
  const mul = await rpc(RB, callTool('multiply', { x: 2, y: 3 }), { token: admin, headers: h2 });
  assert.equal(mul.json().result.content[0].text, '6');
});

test('no token, secret or Authorization value in any log', async () => {
  assert.deepEqual(await suite.secretFindings(), []);
});
