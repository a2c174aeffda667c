// The official MCP TypeScript SDK client (dev/connect.mjs) against Apache +
// mod_mcp_auth + the development AS: the whole MCP authorization flow, then
// the tools.  Four times: opaque tokens (introspected) and JWT access tokens
// (RFC 9068, checked locally), each with MCPAuthIntrospectionURL configured
// and without (discovered), always with the default MCPAuthValidation (auto)
// and the JWKS discovered.  Each variant has its own AS, so that its
// counters (GET /_test/counters) are the variant's alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { startApache } from './lib/apache.mjs';
import { REPO, freePorts, makeRunDir, track, untrack } from './lib/env.mjs';
import { startAuthServer } from './lib/authserver.mjs';
import { prmUrl } from './lib/expect.mjs';
import { fileSuite } from './lib/suite.mjs';

const suite = fileSuite('060-sdk-flow');
// name → { format, configured (MCPAuthIntrospectionURL set), R, as }
const VARIANTS = {
  'opaque-configured': { format: 'opaque', configured: true },
  'opaque-discovered': { format: 'opaque', configured: false },
  'jwt-configured': { format: 'jwt', configured: true },
  'jwt-discovered': { format: 'jwt', configured: false },
  // An issuer with a path (http://127.0.0.1:P/tenant1): RFC 8414 path insertion.
  'jwt-path-issuer': { format: 'jwt', configured: false, issuerPath: '/tenant1' },
};

before(async () => {
  const [P] = await freePorts(1);
  for (const [name, v] of Object.entries(VARIANTS)) v.R = `http://127.0.0.1:${P}/${name}/mcp`;
  const started = await Promise.allSettled(Object.entries(VARIANTS).map(([name, v]) => startAuthServer({
    name: `as-060-${name}`, resources: [v.R], tokenFormat: v.format, issuerPath: v.issuerPath,
  })));
  Object.values(VARIANTS).forEach((v, i) => {
    if (started[i].status === 'fulfilled') {
      v.as = suite.started(started[i].value);
      suite.addLogs(v.as.logFile);
    }
  });
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  const httpd = suite.started(await startApache({
    name: 'sdk-flow',
    ports: [P],
    body: Object.entries(VARIANTS).map(([name, v]) => `
<Location /${name}/mcp>
  AuthType MCP
  MCPAuthResource          ${v.R}
  MCPAuthIssuer            ${v.as.issuer}
  # Loopback test server only: plain http to the authorization server.
  MCPAuthAllowHTTP         On
  ${v.configured ? `MCPAuthIntrospectionURL  ${v.as.introspectionUrl}` : '# MCPAuthIntrospectionURL: discovered'}
  MCPAuthIntrospectionAuth client_secret_basic mcp-rs dev-secret
  MCPAuthRequireScope      mcp:tools
  MCPAuthResourceName      "mod_mcp_auth SDK flow test (${name})"
  Require valid-user
  SetHandler mcp
</Location>
`).join(''),
  }));
  suite.addLogs(...httpd.logFiles());
});

after(() => suite.stopAll());

function runConnect(url, dir) {
  const record = path.join(dir, 'connect-record.json');
  const secretsFile = path.join(dir, 'connect.secrets.json');
  const logFile = path.join(dir, 'connect.log');
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [path.join(REPO, 'dev/connect.mjs'), url], {
    cwd: REPO,
    stdio: ['ignore', out, out],
    env: { ...process.env, MCP_CONNECT_RECORD: record, MCP_CONNECT_SECRETS: secretsFile, MCP_CONNECT_TIMEOUT_MS: '30000' },
  });
  closeSync(out);
  track(child.pid, 'connect.mjs');
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      untrack(child.pid);
      resolve({
        code,
        log: readFileSync(logFile, 'utf8'),
        logFile,
        record: existsSync(record) ? JSON.parse(readFileSync(record, 'utf8')) : undefined,
        secrets: existsSync(secretsFile) ? JSON.parse(readFileSync(secretsFile, 'utf8')) : [],
      });
    });
  });
}

// Index of the first record at or after `from` that matches, or -1.
const findFrom = (records, from, pred) => {
  const i = records.slice(from).findIndex(pred);
  return i < 0 ? -1 : from + i;
};

async function sdkFlow(name) {
  const { R, as, format } = VARIANTS[name];
  const dir = makeRunDir(`connect-${name}`);
  const run = await runConnect(R, dir);
  suite.addLogs(run.logFile);
  for (const s of run.secrets) suite.secrets.add(s.value, s.label);
  assert.equal(run.code, 0, run.log);
  const { records, results } = run.record;
  assert.equal(results.add.structured, 5);
  assert.equal(results.add.text, '5');
  assert.equal(results.multiply.structured, 10);
  assert.equal(results.multiply.text, '10');
  assert.equal(results.serverInfo?.name, 'mod_mcp_auth');
  assert.deepEqual([...results.tools].sort(), ['add', 'multiply']);

  const prm = prmUrl(R);
  const steps = [
    ['POST /mcp → 401 with resource_metadata', (r) => r.method === 'POST' && r.url === R && r.status === 401
      && r.wwwAuthenticate?.startsWith('Bearer ') && r.wwwAuthenticate.includes(`resource_metadata="${prm}"`)],
    ['GET PRM → 200', (r) => r.method === 'GET' && r.url === prm && r.status === 200],
    ['GET AS metadata → 200', (r) => r.method === 'GET' && r.status === 200
      && (r.url.startsWith(`${as.issuer}/.well-known/`) || r.url === as.metadataUrl)],
    ['POST /reg → 201', (r) => r.method === 'POST' && r.url === `${as.issuer}/reg` && r.status === 201],
    ['token request → 200', (r) => r.method === 'POST' && r.url === `${as.issuer}/token` && r.grant_type === 'authorization_code' && r.status === 200],
    ['POST /mcp initialize with a token → 200', (r) => r.method === 'POST' && r.url === R && r.rpc === 'initialize' && r.authorization === 'Bearer' && r.status === 200],
    ['POST /mcp tools/list → 200', (r) => r.url === R && r.rpc === 'tools/list' && r.status === 200],
    ['POST /mcp tools/call add → 200', (r) => r.url === R && r.rpc === 'tools/call' && r.tool === 'add' && r.status === 200],
    ['POST /mcp tools/call multiply → 200', (r) => r.url === R && r.rpc === 'tools/call' && r.tool === 'multiply' && r.status === 200],
  ];
  let at = 0;
  for (const [label, pred] of steps) {
    const i = findFrom(records, at, pred);
    assert.ok(i >= 0, `${label}: not found after request #${at}\n${JSON.stringify(records, null, 1)}`);
    at = i + 1;
  }
  // Every request to the MCP endpoint after the token carries it.
  const firstAuthed = records.findIndex((r) => r.url === R && r.authorization);
  for (const r of records.slice(firstAuthed).filter((x) => x.url === R)) {
    assert.equal(r.authorization, 'Bearer', `#${r.n} ${r.method} without a token`);
  }

  // The token the SDK got has the variant's format, and the AS saw what
  // that format needs: introspection for opaque tokens; for JWTs none, but
  // its JWKS exactly once (found through its metadata).
  const access = run.secrets.find((x) => x.label === 'SDK access token')?.value;
  assert.ok(access, 'connect.mjs reported its access token');
  const c = await as.counters();
  if (format === 'jwt') {
    assert.equal(access.split('.').length, 3, 'a JWT access token');
    assert.equal(JSON.parse(Buffer.from(access.split('.')[0], 'base64url')).typ, 'at+jwt');
    assert.equal(c.introspections, 0, `AS counters: ${JSON.stringify(c)}`);
    assert.equal(c.jwks, 1, `AS counters: ${JSON.stringify(c)}`);
    // The SDK reads the metadata too: count the module's own requests.
    assert.ok(c.module.metadata >= 1, `AS counters: ${JSON.stringify(c)}`);
  } else {
    assert.ok(!access.includes('.'), 'an opaque access token');
    assert.ok(c.introspections >= 1, `AS counters: ${JSON.stringify(c)}`);
    assert.equal(c.jwks, 0, `AS counters: ${JSON.stringify(c)}`);
    if (!VARIANTS[name].configured) assert.ok(c.module.metadata >= 1, `AS counters: ${JSON.stringify(c)}`);
  }
}

for (const [name, v] of Object.entries(VARIANTS)) {
  test(`the SDK client completes the OAuth flow and calls add and multiply: ${v.format} tokens, introspection endpoint ${v.configured ? 'configured' : 'discovered'}${v.issuerPath ? `, issuer path ${v.issuerPath}` : ''}`, () => sdkFlow(name));
}

test('no token, secret or Authorization value in any log', async () => {
  assert.deepEqual(await suite.secretFindings(), []);
});
