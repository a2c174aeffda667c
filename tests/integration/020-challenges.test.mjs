// What the module answers before any token is checked: missing and
// malformed credentials, tokens outside the Authorization header, the
// length limit, CORS, failing closed.  The fault AS counts introspection
// calls (there must be none for these requests).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startApache } from './lib/apache.mjs';
import { freePorts } from './lib/env.mjs';
import { request, rpc, initializeMessage, MCP_ACCEPT } from './lib/http.mjs';
import { DESC, assertNoToken, assertInvalidToken, assertInvalidRequest, assertInitialized } from './lib/expect.mjs';
import { startFaultAS } from './fault-as.mjs';
import { fileSuite } from './lib/suite.mjs';

const suite = fileSuite('020-challenges');
const { secrets } = suite;
let fault;
let httpd;
let P;
let R; let OPEN; let TWO;
const init = initializeMessage();

before(async () => {
  [P] = await freePorts(1);
  R = `http://127.0.0.1:${P}/mcp`;
  OPEN = `http://127.0.0.1:${P}/open/mcp`;
  TWO = `http://127.0.0.1:${P}/two/mcp`;
  fault = suite.started(await startFaultAS({
    resourceByPath: { '/introspect/mcp': R, '/introspect/open': OPEN, '/introspect/two': TWO },
  }));
  const location = (path, resource, introspect, extra = '') => `
<Location ${path}>
  AuthType MCP
  MCPAuthResource         ${resource}
  MCPAuthIntrospectionURL ${fault.url}${introspect}
  ${extra}
  SetHandler mcp
</Location>`;
  httpd = suite.started(await startApache({
    name: 'challenges',
    ports: [P],
    body: `
# Loopback test server only: plain http to the authorization server.
MCPAuthAllowHTTP         On
MCPAuthIssuer            ${fault.url}
MCPAuthIntrospectionAuth client_secret_basic mcp-rs dev-secret
MCPAuthRequireScope      mcp:tools
${location('/mcp', R, '/introspect/mcp', 'Require valid-user')}
${location('/open/mcp', OPEN, '/introspect/open', 'Require all granted')}
${location('/two/mcp', TWO, '/introspect/two', 'MCPAuthRequireScope mcp:tools mcp:admin\n  Require valid-user')}
`,
  }));
  suite.addLogs(...httpd.logFiles());
});

after(() => suite.stopAll());

test('no Authorization header: 401, resource_metadata and scope, no error attribute', async () => {
  assertNoToken(await rpc(R, init), R);
  assert.equal(fault.requests.length, 0);
});

test('a non-Bearer scheme (Basic) is treated as no token', async () => {
  const basic = secrets.basic('someuser', 'somepassword');
  assertNoToken(await rpc(R, init, { headers: { Authorization: `Basic ${basic}` } }), R);
  assert.equal(fault.requests.length, 0);
});

test('the challenge lists every required scope, space-separated, in configured order', async () => {
  assertNoToken(await rpc(TWO, init), TWO, 'mcp:tools mcp:admin');
});

test('fails closed: AuthType MCP with "Require all granted" still needs a token', async () => {
  assertNoToken(await rpc(OPEN, init), OPEN);
});

test('fails closed: AuthType MCP with "Require all granted" accepts a valid token', async () => {
  assertInitialized(await rpc(OPEN, init, { token: secrets.fault('ok') }));
});

for (const [label, value] of [
  ['"Bearer" without a token', 'Bearer'],
  ['"Bearer a b" (two tokens)', 'Bearer a b'],
  ['a token with a quote (Bearer a"b)', 'Bearer a"b'],
  ['a token with a comma (Bearer a,b)', 'Bearer a,b'],
]) {
  test(`malformed Authorization header: ${label} → 400 invalid_request`, async () => {
    const before = fault.requests.length;
    assertInvalidRequest(await rpc(R, init, { headers: { Authorization: value } }), R, DESC.malformed);
    assert.equal(fault.requests.length, before, 'no introspection for a malformed header');
  });
}

test('access_token in the query string → 400 invalid_request', async () => {
  const token = secrets.fault('ok');
  assertInvalidRequest(await rpc(`${R}?access_token=${token}`, init), R, DESC.queryToken);
  assert.equal(fault.requestsFor(token).length, 0);
  // the access log (%r and %q) shows the request without its query
  let line;
  for (let i = 0; i < 40 && !line; i++) {
    line = httpd.accessLogLines().find((l) => l.includes('"POST /mcp?'));
    if (!line) await new Promise((r) => setTimeout(r, 50));
  }
  assert.match(line ?? '', /"POST \/mcp\?\[redacted\] HTTP\/1\.1" q="" 400 /);
});

test('access_token in a form-encoded POST body → 400 invalid_request', async () => {
  const token = secrets.fault('ok');
  const res = await request(R, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: MCP_ACCEPT },
    body: `access_token=${token}`,
  });
  assertInvalidRequest(res, R, DESC.queryToken);
  assert.equal(fault.requestsFor(token).length, 0);
});

test('a token longer than 8192 bytes → 401 "too long", without an introspection call', async () => {
  const before = fault.requests.length;
  const long = secrets.add(`ok.${randomBytes(6300).toString('base64url')}`.slice(0, 8193), 'the over-long token');
  assert.equal(long.length, 8193);
  assertInvalidToken(await rpc(R, init, { token: long }), R, DESC.tooLong);
  assert.equal(fault.requests.length, before);
});

test('CORS preflight on the protected endpoint: 204 without a token', async () => {
  const origin = `http://127.0.0.1:${P}`;
  const res = await request(R, {
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'authorization, content-type, mcp-protocol-version, mcp-session-id',
    },
  });
  assert.equal(res.status, 204, `${res.status} ${res.text}`);
  assert.deepEqual(res.all('access-control-allow-origin'), [origin]);
  const list = (h) => (res.headers[h] ?? '').split(',').map((s) => s.trim().toLowerCase());
  assert.ok(list('access-control-allow-methods').includes('post'), `Allow-Methods: ${res.headers['access-control-allow-methods']}`);
  for (const h of ['authorization', 'mcp-session-id', 'mcp-protocol-version']) {
    assert.ok(list('access-control-allow-headers').includes(h), `Allow-Headers lacks ${h}: ${res.headers['access-control-allow-headers']}`);
  }
  assert.deepEqual(res.all('access-control-expose-headers'), ['WWW-Authenticate, Mcp-Session-Id']);
  assert.deepEqual(res.all('www-authenticate'), []);
});

test('a 401 to a request from an allowed Origin carries the CORS headers', async () => {
  const origin = `http://127.0.0.1:${P}`;
  const res = await rpc(R, init, { headers: { Origin: origin } });
  assertNoToken(res, R);
  assert.deepEqual(res.all('access-control-allow-origin'), [origin]);
  assert.deepEqual(res.all('access-control-expose-headers'), ['WWW-Authenticate, Mcp-Session-Id']);
});

test('a disallowed Origin → 403 (preflight, and a request with a valid token)', async () => {
  const evil = 'http://evil.example.com';
  const pre = await request(R, { method: 'OPTIONS', headers: { Origin: evil, 'Access-Control-Request-Method': 'POST' } });
  assert.equal(pre.status, 403, `preflight: ${pre.status} ${pre.text}`);
  assert.notEqual(pre.headers['access-control-allow-origin'], evil);
  const res = await rpc(R, init, { token: secrets.fault('ok'), headers: { Origin: evil } });
  assert.equal(res.status, 403, `request: ${res.status} ${res.text}`);
  assert.notEqual(res.headers['access-control-allow-origin'], evil);
});

test('no token, secret or Authorization value in any log', async () => {
  assert.deepEqual(await suite.secretFindings(), []);
});
