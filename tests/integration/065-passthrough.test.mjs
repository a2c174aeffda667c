// No token passthrough: what an AuthType MCP location carries on to a
// proxied backend.  The client's Authorization never leaves Apache; the
// caller's identity goes in configured headers (client-supplied copies
// removed first); a fixed upstream credential may replace the token.
// The backend is a small echo server (a real MCP backend comes with the
// gateway tests): here only the request headers matter.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startApache } from './lib/apache.mjs';
import { freePorts } from './lib/env.mjs';
import { rpc, initializeMessage } from './lib/http.mjs';
import { startAuthServer } from './lib/authserver.mjs';
import { fileSuite } from './lib/suite.mjs';

const suite = fileSuite('065-passthrough');
const { secrets } = suite;
let R; let R2; let backend; let as; let seen = [];

before(async () => {
  const [P, B] = await freePorts(2);
  R = `http://127.0.0.1:${P}/mcp`;
  R2 = `http://127.0.0.1:${P}/up/mcp`;
  backend = http.createServer((req, res) => {
    seen.push({ url: req.url, headers: req.headers });
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"jsonrpc":"2.0","id":1,"result":{}}');
    });
  });
  await new Promise((r) => backend.listen(B, '127.0.0.1', r));
  as = suite.started(await startAuthServer({ name: 'as-065', resources: [R, R2] }));
  suite.addLogs(as.logFile);
  const loc = (path, resource, extra = '') => `
<Location ${path}>
  AuthType MCP
  MCPAuthResource          ${resource}
  MCPAuthIssuer            ${as.issuer}
  MCPAuthAllowHTTP         On
  MCPAuthIntrospectionURL  ${as.introspectionUrl}
  MCPAuthIntrospectionAuth client_secret_basic mcp-rs dev-secret
  MCPAuthRequireScope      mcp:tools
  ${extra}
  Require valid-user
  ProxyPass http://127.0.0.1:${B}${path}
</Location>`;
  const httpd = suite.started(await startApache({
    name: 'passthrough',
    ports: [P],
    modules: ['proxy', 'proxy_http'],
    body: `${loc('/mcp', R)}
${loc('/up/mcp', R2, `MCPAuthIdentityHeader sub X-Remote-Sub
  MCPAuthIdentityHeader client_id none
  MCPAuthUpstreamAuthorization "Bearer backend-credential"`)}
`,
  }));
  suite.addLogs(...httpd.logFiles());
});

after(async () => {
  await new Promise((r) => backend.close(r));
  await suite.stopAll();
});

async function through(url, headers = {}) {
  const { token } = await as.token({ resource: url });
  secrets.add(token, `access token for ${url}`);
  seen = [];
  const res = await rpc(url, initializeMessage(), { token, headers });
  assert.equal(res.status, 200, res.text);
  assert.equal(seen.length, 1, 'the backend got the request');
  return { token, h: seen[0].headers };
}

test('the client\'s token never reaches the backend; identity does, in the default headers', async () => {
  const { token, h } = await through(R);
  assert.equal(h.authorization, undefined);
  assert.ok(!JSON.stringify(h).includes(token), 'the token is nowhere in the forwarded headers');
  assert.equal(h['x-mcp-client-id'], 'test-cc');
  assert.equal(h['x-mcp-scope'], 'mcp:tools');
  assert.equal(h['x-mcp-sub'], undefined, 'a client_credentials token has no sub');
});

test('client-supplied identity headers are removed before the real ones are set', async () => {
  const { h } = await through(R, { 'X-MCP-Sub': 'mallory', 'X-MCP-Client-Id': 'evil', 'X-MCP-Scope': 'mcp:admin' });
  assert.equal(h['x-mcp-sub'], undefined);
  assert.equal(h['x-mcp-client-id'], 'test-cc');
  assert.equal(h['x-mcp-scope'], 'mcp:tools');
});

test('configured header names, one turned off, and a fixed upstream credential', async () => {
  const { h } = await through(R2, { 'X-Remote-Sub': 'mallory', 'X-MCP-Client-Id': 'kept' });
  assert.equal(h.authorization, 'Bearer backend-credential');
  assert.equal(h['x-remote-sub'], undefined, 'the spoofed copy is gone, and there is no sub');
  // client_id is "none" here: nothing is set, and a header of that name
  // is not ours to remove
  assert.equal(h['x-mcp-client-id'], 'kept');
  assert.equal(h['x-mcp-scope'], 'mcp:tools');
});

test('without a token the backend is never asked', async () => {
  seen = [];
  const res = await rpc(R, initializeMessage());
  assert.equal(res.status, 401);
  assert.equal(seen.length, 0);
});
