// An introspection endpoint that lies or breaks (tests/integration/fault-as.mjs):
// lies give 401/403 with the exact reason, breakage gives 503 with
// Retry-After and no challenge, and nothing hangs past MCPAuthTimeout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApache } from './lib/apache.mjs';
import { freePorts } from './lib/env.mjs';
import { rpc, initializeMessage } from './lib/http.mjs';
import { DESC, assertInvalidToken, assertInsufficientScope, assertUnavailable, assertInitialized } from './lib/expect.mjs';
import { startAuthServer } from './lib/authserver.mjs';
import { startFaultAS } from './fault-as.mjs';
import { fileSuite } from './lib/suite.mjs';

const suite = fileSuite('040-faults');
const { secrets } = suite;
let as; let fault;
let R; let REFUSED;
const init = initializeMessage();
const REDIRECT_MARK = '/token/introspection/redirected-by-fault-as';

before(async () => {
  const [P, closedPort] = await freePorts(2); // nothing ever listens on closedPort
  R = `http://127.0.0.1:${P}/fault/mcp`;
  REFUSED = `http://127.0.0.1:${P}/refused/mcp`;
  // The real AS is here only as the target of the fault AS's redirect: it must receive nothing.
  as = suite.started(await startAuthServer({ name: 'as-040', resources: [R] }));
  suite.addLogs(as.logFile);
  fault = suite.started(await startFaultAS({ resource: R, redirectTo: `${as.issuer}${REDIRECT_MARK}` }));
  const httpd = suite.started(await startApache({
    name: 'faults',
    ports: [P],
    body: `
# Loopback test server only: plain http to the authorization server.
MCPAuthAllowHTTP         On
MCPAuthIssuer            ${fault.url}
MCPAuthIntrospectionAuth client_secret_basic mcp-rs dev-secret
MCPAuthRequireScope      mcp:tools
MCPAuthTimeout           1s 500ms

<Location /fault/mcp>
  AuthType MCP
  MCPAuthResource         ${R}
  MCPAuthIntrospectionURL ${fault.url}/introspect
  Require valid-user
  SetHandler mcp
</Location>
<Location /refused/mcp>
  AuthType MCP
  MCPAuthResource         ${REFUSED}
  MCPAuthIntrospectionURL http://127.0.0.1:${closedPort}/introspect
  Require valid-user
  SetHandler mcp
</Location>
`,
  }));
  suite.addLogs(...httpd.logFiles());
});

after(() => suite.stopAll());

test('baseline: the fault AS\'s honest answer → 200', async () => {
  assertInitialized(await rpc(R, init, { token: secrets.fault('ok') }));
});

test('active:false → 401 "not active"', async () => {
  assertInvalidToken(await rpc(R, init, { token: secrets.fault('inactive') }), R, DESC.inactive);
});

for (const [kind, desc] of [
  ['lie-iss', DESC.issuer],
  ['lie-aud', DESC.audience],
  ['lie-noaud', DESC.audience],
  ['lie-exp', DESC.expired],
  ['lie-nbf', DESC.notYet],
  ['lie-dpop', DESC.type],
]) {
  test(`lie ${kind} → 401 invalid_token "${desc}"`, async () => {
    assertInvalidToken(await rpc(R, init, { token: secrets.fault(kind) }), R, desc);
  });
}

test('lie-scope (active, but scope lacks mcp:tools) → 403 insufficient_scope', async () => {
  assertInsufficientScope(await rpc(R, init, { token: secrets.fault('lie-scope') }), R);
});

test('aud as an array that contains the resource → 200', async () => {
  assertInitialized(await rpc(R, init, { token: secrets.fault('aud-array') }));
});

test('connection refused → 503', async () => {
  assertUnavailable(await rpc(REFUSED, init, { token: secrets.fault('ok') }));
});

test('an AS that never answers → 503 after MCPAuthTimeout (1 s), not later', async () => {
  const t = secrets.fault('hang');
  const res = await rpc(R, init, { token: t });
  assertUnavailable(res);
  assert.equal(fault.requestsFor(t).length, 1);
  assert.ok(res.ms >= 900 && res.ms < 2500, `answered after ${Math.round(res.ms)} ms`);
});

for (const kind of ['http500', 'http502', 'badjson', 'huge', 'activestr']) {
  test(`introspection answer "${kind}" → 503`, async () => {
    const t = secrets.fault(kind);
    assertUnavailable(await rpc(R, init, { token: t }));
    assert.ok(fault.requestsFor(t).length >= 1);
  });
}

test('a 302 from the introspection endpoint → 503, and the redirect is not followed', async () => {
  const t = secrets.fault('redirect');
  assertUnavailable(await rpc(R, init, { token: t }));
  assert.equal(fault.requestsFor(t).length, 1);
  assert.deepEqual(as.requestLines(REDIRECT_MARK), []);
  assert.deepEqual(as.requestLines('/token/introspection'), [], 'the real AS got an introspection request');
});

test('no token, secret or Authorization value in any log', async () => {
  assert.deepEqual(await suite.secretFindings(), []);
});
