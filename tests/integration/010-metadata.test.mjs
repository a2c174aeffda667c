// Protected Resource Metadata (RFC 9728) served by the module: exact
// document, well-known paths, methods, CORS, no influence of Host or
// X-Forwarded-* headers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApache } from './lib/apache.mjs';
import { freePorts } from './lib/env.mjs';
import { request } from './lib/http.mjs';
import { prmUrl } from './lib/expect.mjs';
import { fileSuite } from './lib/suite.mjs';

const suite = fileSuite('010-metadata');
let httpd;
let P; // vhost with two resources
let P2; // vhost with one resource
let ISSUER;
let R1; let R2; let R3;

before(async () => {
  let asPort;
  [P, P2, asPort] = await freePorts(3);
  ISSUER = `http://127.0.0.1:${asPort}`; // never contacted: metadata needs no AS
  R1 = `http://127.0.0.1:${P}/mcp`;
  R2 = `http://127.0.0.1:${P}/second/mcp`;
  R3 = `http://127.0.0.1:${P2}/mcp`;
  httpd = suite.started(await startApache({
    name: 'metadata',
    ports: [P, P2],
    body: `
# Loopback test servers only: plain http to the authorization server.
MCPAuthAllowHTTP         On
MCPAuthIssuer            ${ISSUER}
MCPAuthIntrospectionURL  ${ISSUER}/token/introspection
MCPAuthIntrospectionAuth client_secret_basic mcp-rs dev-secret

# Main-server <Location>s would be inherited by every virtual host, so each
# port gets a virtual host of its own.
<VirtualHost 127.0.0.1:${P}>
  ServerName 127.0.0.1
  <Location /mcp>
    AuthType MCP
    MCPAuthResource              ${R1}
    MCPAuthRequireScope          mcp:tools
    MCPAuthResourceName          "Integration test MCP"
    MCPAuthResourceDocumentation http://127.0.0.1:${P}/docs/mcp.html
    Require valid-user
    SetHandler mcp
  </Location>
  <Location /second/mcp>
    AuthType MCP
    MCPAuthResource        ${R2}
    MCPAuthRequireScope    mcp:tools
    MCPAuthScopesSupported mcp:tools mcp:admin
    Require valid-user
    SetHandler mcp
  </Location>
</VirtualHost>

<VirtualHost 127.0.0.1:${P2}>
  ServerName 127.0.0.1
  <Location /mcp>
    AuthType MCP
    MCPAuthResource     ${R3}
    MCPAuthRequireScope mcp:tools
    Require valid-user
    SetHandler mcp
  </Location>
</VirtualHost>
`,
  }), []);
  suite.addLogs(...httpd.logFiles());
});

after(() => suite.stopAll());

const doc1 = () => `{"resource":"${R1}","authorization_servers":["${ISSUER}"],"scopes_supported":["mcp:tools"],"bearer_methods_supported":["header"],"resource_name":"Integration test MCP","resource_documentation":"http://127.0.0.1:${P}/docs/mcp.html"}`;
const doc2 = () => `{"resource":"${R2}","authorization_servers":["${ISSUER}"],"scopes_supported":["mcp:tools","mcp:admin"],"bearer_methods_supported":["header"]}`;
const doc3 = () => `{"resource":"${R3}","authorization_servers":["${ISSUER}"],"scopes_supported":["mcp:tools"],"bearer_methods_supported":["header"]}`;

function assertDocument(res, body) {
  assert.equal(res.status, 200, res.text);
  assert.equal(res.headers['content-type']?.split(';')[0], 'application/json');
  assert.deepEqual(res.all('access-control-allow-origin'), ['*']);
  assert.equal(res.text, body);
}

test('Apache runs in its own session and its PidFile holds the PID that was started', () => {
  assert.equal(httpd.pidFilePid(), httpd.pid);
});

test('GET PRM: exact document with resource_name and resource_documentation', async () => {
  assertDocument(await request(prmUrl(R1)), doc1());
});

test('GET PRM: scopes_supported from MCPAuthScopesSupported, no name or documentation when not configured', async () => {
  assertDocument(await request(prmUrl(R2)), doc2());
});

test('GET PRM on the one-resource virtual host, path-based and at the root', async () => {
  assertDocument(await request(prmUrl(R3)), doc3());
  assertDocument(await request(`http://127.0.0.1:${P2}/.well-known/oauth-protected-resource`), doc3());
});

test('the root PRM is not served on a virtual host with two resources (404)', async () => {
  const res = await request(`http://127.0.0.1:${P}/.well-known/oauth-protected-resource`);
  assert.equal(res.status, 404);
});

test('PRM needs no token: a bogus Authorization header does not change it', async () => {
  assertDocument(await request(prmUrl(R1), { headers: { Authorization: 'Bearer not-a-real-token-at-all' } }), doc1());
});

test('HEAD PRM: 200, same headers, no body', async () => {
  const res = await request(prmUrl(R1), { method: 'HEAD' });
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type']?.split(';')[0], 'application/json');
  assert.deepEqual(res.all('access-control-allow-origin'), ['*']);
  assert.equal(res.text, '');
});

test('OPTIONS PRM: 204 with CORS headers', async () => {
  const res = await request(prmUrl(R1), {
    method: 'OPTIONS',
    headers: { Origin: 'http://elsewhere.example', 'Access-Control-Request-Method': 'GET' },
  });
  assert.equal(res.status, 204, res.text);
  assert.deepEqual(res.all('access-control-allow-origin'), ['*']);
  const methods = (res.headers['access-control-allow-methods'] ?? '').split(',').map((m) => m.trim());
  assert.ok(methods.includes('GET'), `Access-Control-Allow-Methods: ${res.headers['access-control-allow-methods']}`);
  assert.equal(res.text, '');
});

for (const method of ['POST', 'PUT', 'DELETE']) {
  test(`${method} PRM: 405 with Allow: GET, HEAD, OPTIONS`, async () => {
    const res = await request(prmUrl(R1), { method, headers: { 'Content-Type': 'application/json' }, body: '{}' });
    assert.equal(res.status, 405, res.text);
    assert.deepEqual(res.all('allow'), ['GET, HEAD, OPTIONS']);
  });
}

test('spoofed Host, X-Forwarded-Host and X-Forwarded-Proto do not change the document', async () => {
  const spoofs = [
    { Host: 'evil.example.com' },
    { Host: `evil.example.com:${P}` },
    { 'X-Forwarded-Host': 'evil.example.com', 'X-Forwarded-Proto': 'https' },
    { 'X-Forwarded-Host': 'evil.example.com:8443', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Port': '8443', Forwarded: 'host=evil.example.com;proto=https' },
  ];
  for (const headers of spoofs) {
    assertDocument(await request(prmUrl(R1), { headers }), doc1());
    assertDocument(await request(prmUrl(R3), { headers }), doc3());
  }
});

test('no token, secret or Authorization value in any log', async () => {
  assert.deepEqual(await suite.secretFindings(), []);
});
