// The module's own MCP endpoint (SetHandler mcp), authenticated with a real
// token: lifecycle, JSON-RPC errors, tools, and the HTTP-level refusals.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApache } from './lib/apache.mjs';
import { freePorts } from './lib/env.mjs';
import { request, rpc, initializeMessage, MCP_ACCEPT } from './lib/http.mjs';
import { startAuthServer } from './lib/authserver.mjs';
import { fileSuite } from './lib/suite.mjs';

const suite = fileSuite('050-mcp-endpoint');
const { secrets } = suite;
let R; let token;
let session = {}; // Mcp-Session-Id and MCP-Protocol-Version for requests after initialize

before(async () => {
  const [P] = await freePorts(1);
  R = `http://127.0.0.1:${P}/mcp`;
  const as = suite.started(await startAuthServer({ name: 'as-050', resources: [R] }));
  suite.addLogs(as.logFile);
  const httpd = suite.started(await startApache({
    name: 'mcp-endpoint',
    ports: [P],
    body: `
<Location /mcp>
  AuthType MCP
  MCPAuthResource          ${R}
  MCPAuthIssuer            ${as.issuer}
  # Loopback test server only: plain http to the authorization server.
  MCPAuthAllowHTTP         On
  MCPAuthIntrospectionURL  ${as.introspectionUrl}
  MCPAuthIntrospectionAuth client_secret_basic mcp-rs dev-secret
  MCPAuthRequireScope      mcp:tools
  MCPMaxBodySize           1024
  Require valid-user
  SetHandler mcp
</Location>
`,
  }));
  suite.addLogs(...httpd.logFiles());
  token = secrets.add((await as.token({ resource: R })).token, 'access token for the MCP endpoint');
});

after(() => suite.stopAll());

// The one JSON-RPC message of a response: a JSON body, or the last "data:"
// event of an SSE body.
function message(res) {
  const type = (res.headers['content-type'] ?? '').split(';')[0].trim();
  if (type === 'text/event-stream') {
    const data = res.text.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).filter(Boolean);
    assert.ok(data.length, `no data in SSE body: ${res.text}`);
    return JSON.parse(data.at(-1));
  }
  assert.equal(type, 'application/json', `Content-Type ${res.headers['content-type']}: ${res.text.slice(0, 200)}`);
  return JSON.parse(res.text);
}

const call = (msg, headers = {}) => rpc(R, msg, { token, headers: { ...session, ...headers } });
const raw = (body, headers = {}) => rpc(R, undefined, { token, raw: body, headers: { ...session, ...headers } });

async function initialize(protocolVersion, id = 1) {
  const res = await rpc(R, initializeMessage(id, protocolVersion), { token });
  assert.equal(res.status, 200, res.text);
  return { res, msg: message(res) };
}

test('initialize 2025-11-25: echoed, tools capability, serverInfo.name mod_mcp_auth', async () => {
  const { res, msg } = await initialize('2025-11-25', 1);
  assert.equal(msg.jsonrpc, '2.0');
  assert.equal(msg.id, 1);
  assert.equal(msg.result.protocolVersion, '2025-11-25');
  assert.equal(typeof msg.result.capabilities.tools, 'object');
  assert.equal(msg.result.serverInfo.name, 'mod_mcp_auth');
  const sid = res.headers['mcp-session-id'];
  session = { 'MCP-Protocol-Version': '2025-11-25', ...(sid ? { 'Mcp-Session-Id': sid } : {}) };
  if (sid) assert.match(sid, /^[\x21-\x7e]+$/);
});

for (const version of ['2025-06-18', '2025-03-26']) {
  test(`initialize ${version}: echoed`, async () => {
    const { msg } = await initialize(version, 'init-b');
    assert.equal(msg.id, 'init-b');
    assert.equal(msg.result.protocolVersion, version);
  });
}

test('initialize with an unknown version (2024-01-01) → answered with 2025-11-25', async () => {
  const { msg } = await initialize('2024-01-01', 3);
  assert.equal(msg.result.protocolVersion, '2025-11-25');
});

test('notifications/initialized → 202 with an empty body', async () => {
  const res = await call({ jsonrpc: '2.0', method: 'notifications/initialized' });
  assert.equal(res.status, 202, res.text);
  assert.equal(res.text, '');
});

test('ping → empty result', async () => {
  const res = await call({ jsonrpc: '2.0', id: 10, method: 'ping' });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(message(res), { jsonrpc: '2.0', id: 10, result: {} });
});

test('tools/list: add and multiply, each with description, inputSchema and outputSchema', async () => {
  const res = await call({ jsonrpc: '2.0', id: 11, method: 'tools/list' });
  assert.equal(res.status, 200, res.text);
  const msg = message(res);
  assert.equal(msg.id, 11);
  const tools = Object.fromEntries(msg.result.tools.map((t) => [t.name, t]));
  for (const name of ['add', 'multiply']) {
    const tool = tools[name];
    assert.ok(tool, `${name} is listed`);
    assert.equal(typeof tool.description, 'string');
    assert.ok(tool.description.length > 0);
    assert.equal(tool.inputSchema?.type, 'object');
    assert.equal(typeof tool.outputSchema, 'object');
    assert.equal(tool.outputSchema?.type, 'object');
  }
  assert.deepEqual(Object.keys(tools.add.inputSchema.properties ?? {}).sort(), ['a', 'b']);
  assert.deepEqual(Object.keys(tools.multiply.inputSchema.properties ?? {}).sort(), ['x', 'y']);
});

test('tools/call add {a:2,b:3} → text "5", structuredContent {result:5}', async () => {
  const res = await call({ jsonrpc: '2.0', id: 12, method: 'tools/call', params: { name: 'add', arguments: { a: 2, b: 3 } } });
  assert.equal(res.status, 200, res.text);
  const { id, result } = message(res);
  assert.equal(id, 12);
  assert.deepEqual(result.content[0], { type: 'text', text: '5' });
  assert.deepEqual(result.structuredContent, { result: 5 });
  assert.notEqual(result.isError, true);
});

test('tools/call multiply {x:4,y:2.5} → text "10", structuredContent {result:10}', async () => {
  const res = await call({ jsonrpc: '2.0', id: 13, method: 'tools/call', params: { name: 'multiply', arguments: { x: 4, y: 2.5 } } });
  assert.equal(res.status, 200, res.text);
  const { result } = message(res);
  assert.deepEqual(result.content[0], { type: 'text', text: '10' });
  assert.deepEqual(result.structuredContent, { result: 10 });
  assert.notEqual(result.isError, true);
});

test('tools/call add with a:"x" → 200, result.isError with a text explanation', async () => {
  const res = await call({ jsonrpc: '2.0', id: 14, method: 'tools/call', params: { name: 'add', arguments: { a: 'x', b: 3 } } });
  assert.equal(res.status, 200, res.text);
  const { id, result, error } = message(res);
  assert.equal(error, undefined);
  assert.equal(id, 14);
  assert.equal(result.isError, true);
  assert.equal(result.content[0].type, 'text');
  assert.ok(result.content[0].text.length > 0);
});

test('unknown tool → 200, error -32602 with the request id', async () => {
  const res = await call({ jsonrpc: '2.0', id: 15, method: 'tools/call', params: { name: 'no_such_tool', arguments: {} } });
  assert.equal(res.status, 200, res.text);
  const msg = message(res);
  assert.equal(msg.id, 15);
  assert.equal(msg.error?.code, -32602);
});

test('unknown method → 200, error -32601 with the request id', async () => {
  const res = await call({ jsonrpc: '2.0', id: 'u-16', method: 'no/such/method' });
  assert.equal(res.status, 200, res.text);
  const msg = message(res);
  assert.equal(msg.id, 'u-16');
  assert.equal(msg.error?.code, -32601);
});

test('malformed JSON → 400, error -32700, id null', async () => {
  const res = await raw('{"jsonrpc": "2.0", "id": 1, "method": ');
  assert.equal(res.status, 400, res.text);
  const msg = message(res);
  assert.equal(msg.error?.code, -32700);
  assert.equal(msg.id, null);
});

for (const [label, body] of [
  ['{"foo":1}', '{"foo":1}'],
  ['jsonrpc "1.0"', '{"jsonrpc":"1.0","id":17,"method":"ping"}'],
]) {
  test(`not a JSON-RPC 2.0 message (${label}) → 400, error -32600`, async () => {
    const res = await raw(body);
    assert.equal(res.status, 400, res.text);
    assert.equal(message(res).error?.code, -32600);
  });
}

test('GET → 405', async () => {
  const res = await request(R, { headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream', ...session } });
  assert.equal(res.status, 405, res.text);
});

test('Content-Type text/plain → 415', async () => {
  const res = await raw('{"jsonrpc":"2.0","id":18,"method":"ping"}', { 'Content-Type': 'text/plain' });
  assert.equal(res.status, 415, res.text);
});

test('Accept: text/html → 406', async () => {
  const res = await raw('{"jsonrpc":"2.0","id":19,"method":"ping"}', { Accept: 'text/html' });
  assert.equal(res.status, 406, res.text);
});

test('a body over MCPMaxBodySize (1024) → 413', async () => {
  const res = await call({ jsonrpc: '2.0', id: 20, method: 'ping', params: { _meta: { pad: 'x'.repeat(2000) } } });
  assert.equal(res.status, 413, res.text);
});

test('MCP-Protocol-Version: 1999-01-01 → 400', async () => {
  const res = await call({ jsonrpc: '2.0', id: 21, method: 'ping' }, { 'MCP-Protocol-Version': '1999-01-01' });
  assert.equal(res.status, 400, res.text);
});

test('a request with the standard MCP Accept header still works after the refusals', async () => {
  const res = await call({ jsonrpc: '2.0', id: 22, method: 'ping' }, { Accept: MCP_ACCEPT });
  assert.equal(res.status, 200, res.text);
});

test('no token, secret or Authorization value in any log', async () => {
  assert.deepEqual(await suite.secretFindings(), []);
});
