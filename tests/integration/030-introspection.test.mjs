// Token validation by RFC 7662 introspection against the real development
// AS (oidc-provider, opaque tokens from the client_credentials test client),
// and what the module sends to the introspection endpoint (fault AS).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startApache } from './lib/apache.mjs';
import { freePorts, sleep } from './lib/env.mjs';
import { rpc, initializeMessage } from './lib/http.mjs';
import { DESC, assertInvalidToken, assertInsufficientScope, assertInitialized } from './lib/expect.mjs';
import { startAuthServer } from './lib/authserver.mjs';
import { startFaultAS } from './fault-as.mjs';
import { fileSuite } from './lib/suite.mjs';

const suite = fileSuite('030-introspection');
const { secrets } = suite;
let as; let fault; let httpd;
let P;
const R = {};
const ALIAS = 'http://mcp-alias.test/mcp';
const init = initializeMessage();

before(async () => {
  [P] = await freePorts(1);
  for (const name of ['mcp', 'post', 'two', 'alias', 'short', 'ident', 'fault-basic', 'fault-post']) {
    R[name] = `http://127.0.0.1:${P}/${name === 'mcp' ? '' : `${name}/`}mcp`;
  }
  as = suite.started(await startAuthServer({ name: 'as-030', resources: [R.mcp, R.post, R.two, ALIAS, R.short] }));
  suite.addLogs(as.logFile);
  fault = suite.started(await startFaultAS({
    resourceByPath: { '/introspect/basic': R['fault-basic'], '/introspect/post': R['fault-post'], '/introspect/ident': R.ident },
  }));
  const real = (auth) => `MCPAuthIssuer ${as.issuer}
  MCPAuthIntrospectionURL ${as.introspectionUrl}
  MCPAuthIntrospectionAuth ${auth} mcp-rs dev-secret`;
  const fake = (path, auth) => `MCPAuthIssuer ${fault.url}
  MCPAuthIntrospectionURL ${fault.url}${path}
  MCPAuthIntrospectionAuth ${auth} mcp-rs dev-secret`;
  const location = (name, lines) => `
<Location /${name === 'mcp' ? '' : `${name}/`}mcp>
  AuthType MCP
  MCPAuthResource ${R[name]}
  ${lines}
  Require valid-user
  SetHandler mcp
</Location>`;
  httpd = suite.started(await startApache({
    name: 'introspection',
    ports: [P],
    body: `
# Loopback test server only: plain http to the authorization servers.
MCPAuthAllowHTTP    On
MCPAuthRequireScope mcp:tools
${location('mcp', real('client_secret_basic'))}
${location('post', real('client_secret_post'))}
${location('two', `${real('client_secret_basic')}\n  MCPAuthRequireScope mcp:tools mcp:admin`)}
${location('alias', `${real('client_secret_basic')}\n  MCPAuthResourceAlias ${ALIAS}`)}
${location('short', `${real('client_secret_basic')}\n  MCPAuthClockSkew 0`)}
${location('ident', `${fake('/introspect/ident', 'client_secret_basic')}
  Header set X-MCP-Sub "%{MCP_AUTH_SUB}e"
  Header set X-MCP-Client-Id "%{MCP_AUTH_CLIENT_ID}e"
  Header set X-MCP-Scope "%{MCP_AUTH_SCOPE}e"`)}
${location('fault-basic', fake('/introspect/basic', 'client_secret_basic'))}
${location('fault-post', fake('/introspect/post', 'client_secret_post'))}
`,
  }));
  suite.addLogs(...httpd.logFiles());
});

after(() => suite.stopAll());

async function token(opts) {
  const t = await as.token(opts);
  secrets.add(t.token, `access token for ${opts.resource} (${opts.scope ?? 'mcp:tools'})`);
  return t;
}

// The first access log line for a request path written after line number
// `from`, waiting briefly for it (the line is written after the response).
async function accessLine(path, from) {
  for (let i = 0; i < 40; i++) {
    const line = httpd.accessLogLines().slice(from).find((l) => l.includes(`"POST ${path} HTTP/1.1"`));
    if (line) return line;
    await sleep(50);
  }
  return undefined;
}

test('a valid token (resource and scope mcp:tools) → 200 from the MCP endpoint', async () => {
  const { token: t } = await token({ resource: R.mcp });
  assertInitialized(await rpc(R.mcp, init, { token: t }));
});

test('the Bearer scheme is case-insensitive ("bearer", "BEARER")', async () => {
  const { token: t } = await token({ resource: R.mcp });
  for (const scheme of ['bearer', 'BEARER', 'BeArEr']) {
    assertInitialized(await rpc(R.mcp, init, { headers: { Authorization: `${scheme} ${t}` } }));
  }
});

test('a garbage token → 401 invalid_token "not active"', async () => {
  const garbage = secrets.add(randomBytes(32).toString('base64url'), 'a garbage token');
  assertInvalidToken(await rpc(R.mcp, init, { token: garbage }), R.mcp, DESC.inactive);
});

test('a revoked token → 401 invalid_token "not active"', async () => {
  const { token: t } = await token({ resource: R.mcp });
  await as.revoke(t);
  assert.equal((await as.introspect(t)).active, false);
  assertInvalidToken(await rpc(R.mcp, init, { token: t }), R.mcp, DESC.inactive);
});

test('a token for another resource → 401 invalid_token "not issued for this resource"', async () => {
  const { token: t } = await token({ resource: R.post });
  assert.equal((await as.introspect(t)).aud, R.post);
  assertInvalidToken(await rpc(R.mcp, init, { token: t }), R.mcp, DESC.audience);
});

test('a token without mcp:tools (scope mcp:admin) → 403 insufficient_scope', async () => {
  const { token: t } = await token({ resource: R.mcp, scope: 'mcp:admin' });
  assertInsufficientScope(await rpc(R.mcp, init, { token: t }), R.mcp);
});

test('two required scopes: a token with one → 403 naming both; with both → 200', async () => {
  const one = await token({ resource: R.two, scope: 'mcp:tools' });
  assertInsufficientScope(await rpc(R.two, init, { token: one.token }), R.two, 'mcp:tools mcp:admin');
  const both = await token({ resource: R.two, scope: 'mcp:tools mcp:admin' });
  assertInitialized(await rpc(R.two, init, { token: both.token }));
});

// Once a token has expired, the AS itself answers active:false (RFC 7662),
// so the module reports it as not active; an "exp" in the past of an
// answer that still says active is covered with the fault AS.
test('an expired token (real AS) → 401 invalid_token, not active', async () => {
  const t = await token({ resource: R.short, client: 'test-cc-short' });
  assert.ok(t.expiresIn <= 2, `short-lived token lives ${t.expiresIn} s`);
  assertInitialized(await rpc(R.short, init, { token: t.token }));
  // exp <= issue time + expires_in (whole seconds); wait until it is surely past.
  await sleep(Math.max(0, t.obtainedAt + t.expiresIn * 1000 + 1200 - Date.now()));
  assertInvalidToken(await rpc(R.short, init, { token: t.token }), R.short, DESC.inactive);
});

test('client_secret_post against the real AS → 200', async () => {
  const { token: t } = await token({ resource: R.post });
  assertInitialized(await rpc(R.post, init, { token: t }));
});

test('MCPAuthResourceAlias: a token issued for the alias → 200', async () => {
  const { token: t } = await token({ resource: ALIAS });
  assert.equal((await as.introspect(t)).aud, ALIAS);
  assertInitialized(await rpc(R.alias, init, { token: t }));
});

test('client_secret_basic: the AS sees HTTP Basic credentials and no secret in the form', async () => {
  const t = secrets.fault('ok');
  assertInitialized(await rpc(R['fault-basic'], init, { token: t }));
  const seen = fault.requestsFor(t);
  assert.equal(seen.length, 1);
  const [req] = seen;
  assert.equal(req.method, 'POST');
  assert.equal(req.headers.authorization, `Basic ${Buffer.from('mcp-rs:dev-secret').toString('base64')}`);
  assert.equal(req.headers['content-type']?.split(';')[0].trim(), 'application/x-www-form-urlencoded');
  assert.ok(req.body.includes(`token=${t}&token_type_hint=access_token`), req.body.replace(t, '<token>'));
  assert.equal(req.form.token, t);
  assert.equal(req.form.token_type_hint, 'access_token');
  assert.equal(req.form.client_secret, undefined);
  assert.ok(!req.body.includes('dev-secret'));
});

test('client_secret_post: the AS sees client_id and client_secret in the form and no Authorization header', async () => {
  const t = secrets.fault('ok');
  assertInitialized(await rpc(R['fault-post'], init, { token: t }));
  const seen = fault.requestsFor(t);
  assert.equal(seen.length, 1);
  const [req] = seen;
  assert.equal(req.headers.authorization, undefined);
  assert.equal(req.headers['content-type']?.split(';')[0].trim(), 'application/x-www-form-urlencoded');
  assert.ok(req.body.includes(`token=${t}&token_type_hint=access_token`), req.body.replace(t, '<token>').replace('dev-secret', '<secret>'));
  assert.equal(req.form.token_type_hint, 'access_token');
  assert.equal(req.form.client_id, 'mcp-rs');
  assert.equal(req.form.client_secret, 'dev-secret');
});

test('identity: REMOTE_USER, notes and environment from sub, client_id and scope', async () => {
  const t = secrets.fault('ok');
  const from = httpd.accessLogLines().length;
  const res = await rpc(R.ident, init, { token: t });
  assertInitialized(res);
  assert.equal(res.headers['x-mcp-sub'], 'alice');
  assert.equal(res.headers['x-mcp-client-id'], 'fault-client');
  assert.equal(res.headers['x-mcp-scope'], 'mcp:tools');
  assert.equal(await accessLine('/ident/mcp', from), '127.0.0.1 alice "POST /ident/mcp HTTP/1.1" q="" 200 sub=alice client=fault-client scope="mcp:tools"');
});

test('connections to the introspection endpoint are kept alive and reused', async () => {
  // four different tokens: four introspections (the verdict cache would
  // answer a repeated one)
  const tokens = [0, 1, 2, 3].map(() => secrets.fault('ok'));
  for (const t of tokens) assertInitialized(await rpc(R.ident, init, { token: t }));
  const seen = tokens.flatMap((t) => fault.requestsFor(t));
  const ports = new Set(seen.map((r) => r.remotePort));
  assert.equal(seen.length, 4);
  // one Apache child serves these one after the other: one connection
  assert.equal(ports.size, 1, `client ports seen: ${[...ports].join(', ')}`);
});

test('identity without sub: REMOTE_USER is client_id', async () => {
  const { token: t } = await token({ resource: R.mcp });
  await sleep(200); // let earlier lines reach the log
  const from = httpd.accessLogLines().length;
  assertInitialized(await rpc(R.mcp, init, { token: t }));
  assert.equal(await accessLine('/mcp', from), '127.0.0.1 test-cc "POST /mcp HTTP/1.1" q="" 200 sub=- client=test-cc scope="mcp:tools"');
});

test('no token, secret or Authorization value in any log', async () => {
  assert.deepEqual(await suite.secretFindings(), []);
});
