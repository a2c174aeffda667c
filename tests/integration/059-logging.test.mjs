// logging/setLevel is kept in the session: log messages a tool sends
// below that level are not sent (the example module's
// test_tool_with_logging sends three at info).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApache } from './lib/apache.mjs';
import { freePorts } from './lib/env.mjs';
import { rpc, MCP_ACCEPT } from './lib/http.mjs';
import { openSession } from './lib/sessions.mjs';
import { fileSuite } from './lib/suite.mjs';

const suite = fileSuite('059-logging');
const { secrets } = suite;
let U; let sid;

before(async () => {
  const [P] = await freePorts(1);
  U = `http://127.0.0.1:${P}/mcp`;
  const httpd = suite.started(await startApache({
    name: 'logging',
    ports: [P],
    exampleTools: true,
    body: `
<Location /mcp>
  SetHandler mcp
  Require all granted
</Location>
`,
  }));
  suite.addLogs(...httpd.logFiles());
  sid = secrets.add(await openSession(U), 'an MCP session id');
});

after(() => suite.stopAll());

const headers = () => ({ 'Mcp-Session-Id': sid, 'MCP-Protocol-Version': '2025-11-25', Accept: MCP_ACCEPT });
const callLogging = (id) => rpc(U, { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'test_tool_with_logging', arguments: {} } }, { headers: headers() });
const setLevel = async (level) => {
  const res = await rpc(U, { jsonrpc: '2.0', id: `lvl-${level}`, method: 'logging/setLevel', params: { level } }, { headers: headers() });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json().result, {});
};
const events = (res) => res.text.split('\n').filter((l) => l.startsWith('data:')).map((l) => JSON.parse(l.slice(5)));

test('before any logging/setLevel: three log messages stream, then the result', async () => {
  const res = await callLogging(1);
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'text/event-stream');
  const ev = events(res);
  assert.equal(ev.filter((e) => e.method === 'notifications/message').length, 3);
  assert.equal(ev.at(-1).id, 1);
});

test('logging/setLevel error: the info messages are not sent, the answer is plain JSON', async () => {
  await setLevel('error');
  const res = await callLogging(2);
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'application/json', res.text);
  assert.equal(res.json().id, 2);
});

test('logging/setLevel debug: they stream again', async () => {
  await setLevel('debug');
  const res = await callLogging(3);
  assert.equal(res.headers['content-type'], 'text/event-stream');
  assert.equal(events(res).filter((e) => e.method === 'notifications/message').length, 3);
});

test('an unknown level is refused (-32602) and changes nothing', async () => {
  const res = await rpc(U, { jsonrpc: '2.0', id: 9, method: 'logging/setLevel', params: { level: 'loud' } }, { headers: headers() });
  assert.equal(res.json().error?.code, -32602);
  const again = await callLogging(4);
  assert.equal(again.headers['content-type'], 'text/event-stream');
});
