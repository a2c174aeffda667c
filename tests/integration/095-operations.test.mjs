// Operations: the Require providers (mcp-scope, mcp-claim) with
// mod_authz_core's containers, scope implication (MCPAuthScopeImplies),
// the audit notes in a documented LogFormat, MCPAuditLog, and the counters
// in /server-status?auto, against a real Apache and the dev AS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startApache } from './lib/apache.mjs';
import { startAuthServer } from './lib/authserver.mjs';
import { freePorts } from './lib/env.mjs';
import { rpc, request, initializeMessage } from './lib/http.mjs';
import { fileSuite } from './lib/suite.mjs';

const suite = fileSuite('095-operations');
const { secrets } = suite;
let P; let as; let httpd;
const url = (name) => `http://127.0.0.1:${P}/${name}/mcp`;
const NAMES = ['scope', 'claim', 'regex', 'implies', 'audit'];

// The audit LogFormat of docs/directives.md, word for word.
const AUDIT_FORMAT = 'LogFormat "%h %t \\"%m %U\\" %>s sub=%{mcp-auth-sub}n client=%{mcp-auth-client-id}n via=%{mcp-auth-via}n cache=%{mcp-auth-cache}n method=%{mcp-method}n tool=%{mcp-tool}n decision=%{mcp-decision}n reason=\\"%{mcp-reason}n\\" session=%{mcp-session}n %D" mcp_audit';

before(async () => {
  [P] = await freePorts(1);
  as = suite.started(await startAuthServer({ name: 'as-095', resources: NAMES.map(url) }));
  suite.addLogs(as.logFile);
  const loc = (name, extra, require = 'Require valid-user') => `
<Location /${name}/mcp>
  AuthType MCP
  MCPAuthResource          ${url(name)}
  MCPAuthIssuer            ${as.issuer}
  MCPAuthAllowHTTP         On
  MCPAuthIntrospectionURL  ${as.introspectionUrl}
  MCPAuthIntrospectionAuth client_secret_basic mcp-rs dev-secret
  ${extra}
  ${require}
  SetHandler mcp
</Location>`;
  httpd = suite.started(await startApache({
    name: 'operations',
    ports: [P],
    modules: ['status'],
    body: `
${AUDIT_FORMAT}
CustomLog "audit.log" mcp_audit
<Location /server-status>
  SetHandler server-status
</Location>
${loc('scope', 'MCPAuthRequireScope mcp:tools', 'Require mcp-scope mcp:admin')}
${loc('claim', 'MCPAuthRequireScope mcp:tools', `<RequireAny>
    Require mcp-claim client_id test-cc-short
    Require mcp-scope mcp:admin
  </RequireAny>`)}
${loc('regex', '', `<RequireAll>
    Require mcp-claim client_id /^test-cc-(short|typjwt)$/
    <RequireNone>
      Require mcp-claim scope "/(^| )mcp:admin( |$)/"
    </RequireNone>
  </RequireAll>`)}
${loc('implies', `MCPAuthRequireScope mcp:tools
  MCPAuthScopeImplies mcp:admin mcp:tools`)}
${loc('audit', `MCPAuthRequireScope mcp:tools
  MCPAuditLog On
  MCPAuditArguments 8`)}
`,
  }));
  suite.addLogs(...httpd.logFiles(), path.join(httpd.run, 'audit.log'));
});

after(async () => {
  await suite.stopAll();
});

async function tokenFor(name, scope = 'mcp:tools', client = 'test-cc') {
  const { token } = await as.token({ resource: url(name), scope, client });
  secrets.add(token, `${client} (${scope}) for ${name}`);
  return token;
}

const PRM = (name) => `http://127.0.0.1:${P}/.well-known/oauth-protected-resource/${name}/mcp`;

test('Require mcp-scope: without the scope → 403 insufficient_scope naming every needed scope; with it → 200', async () => {
  const denied = await rpc(url('scope'), initializeMessage(), { token: await tokenFor('scope') });
  assert.equal(denied.status, 403, denied.text);
  assert.equal(denied.headers['www-authenticate'],
    `Bearer error="insufficient_scope", error_description="the access token lacks a required scope", resource_metadata="${PRM('scope')}", scope="mcp:tools mcp:admin"`);
  assert.match(denied.headers['content-type'], /^application\/json/);
  assert.deepEqual(denied.json(), { error: 'insufficient_scope', error_description: 'the access token lacks a required scope' });
  const ok = await rpc(url('scope'), initializeMessage(), { token: await tokenFor('scope', 'mcp:tools mcp:admin') });
  assert.equal(ok.status, 200, ok.text);
  // without a token it is still the 401 that starts the OAuth flow
  const none = await rpc(url('scope'), initializeMessage());
  assert.equal(none.status, 401);
});

test('Require mcp-claim inside <RequireAny>: the named client passes, another passes with mcp:admin, else 403', async () => {
  const short = await rpc(url('claim'), initializeMessage(), { token: await tokenFor('claim', 'mcp:tools', 'test-cc-short') });
  assert.equal(short.status, 200, short.text);
  const other = await rpc(url('claim'), initializeMessage(), { token: await tokenFor('claim') });
  assert.equal(other.status, 403, other.text);
  assert.match(other.headers['www-authenticate'], /^Bearer error="insufficient_scope", .*scope="mcp:tools mcp:admin"$/);
  const admin = await rpc(url('claim'), initializeMessage(), { token: await tokenFor('claim', 'mcp:tools mcp:admin') });
  assert.equal(admin.status, 200, admin.text);
});

test('Require mcp-claim /regex/ with <RequireAll> and <RequireNone>', async () => {
  const cases = [
    ['test-cc-short', 'mcp:tools', 200],
    ['test-cc-typjwt', 'mcp:tools', 200],
    ['test-cc', 'mcp:tools', 403],                 // the regex does not match
    ['test-cc-short', 'mcp:tools mcp:admin', 403], // RequireNone refuses mcp:admin
  ];
  for (const [client, scope, status] of cases) {
    const res = await rpc(url('regex'), initializeMessage(), { token: await tokenFor('regex', scope, client) });
    assert.equal(res.status, status, `${client} ${scope}: ${res.text}`);
    if (status === 403) {
      assert.equal(res.headers['www-authenticate'],
        `Bearer error="insufficient_scope", error_description="access denied by the server's policy", resource_metadata="${PRM('regex')}"`);
    }
  }
});

test('MCPAuthScopeImplies: a token with only mcp:admin meets MCPAuthRequireScope mcp:tools; without the rule it would not', async () => {
  const adminOnly = await tokenFor('implies', 'mcp:admin');
  const ok = await rpc(url('implies'), initializeMessage(), { token: adminOnly });
  assert.equal(ok.status, 200, ok.text);
  const scopeOnly = await rpc(url('scope'), initializeMessage(), { token: await tokenFor('scope', 'mcp:admin') });
  assert.equal(scopeOnly.status, 403, 'no implication at /scope/mcp: mcp:tools is missing');
});

test('audit: the documented LogFormat gives one line per call with subject, tool, decision, cache and session fingerprint; MCPAuditLog adds an error-log line with truncated arguments', async () => {
  const t = await tokenFor('audit');
  const init = await rpc(url('audit'), initializeMessage(), { token: t });
  const sid = init.headers['mcp-session-id'];
  const h = { 'Mcp-Session-Id': sid, 'MCP-Protocol-Version': '2025-11-25' };
  const call = await rpc(url('audit'), { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'add', arguments: { a: 2, b: 3 } } },
    { token: t, headers: h });
  assert.equal(call.status, 200, call.text);
  await rpc(url('audit'), initializeMessage());        // a 401 for the log
  await new Promise((r) => setTimeout(r, 300));
  const lines = readFileSync(path.join(httpd.run, 'audit.log'), 'utf8').split('\n').filter((l) => l.includes('/audit/mcp'));
  const callLine = lines.find((l) => l.includes('tool=add'));
  assert.ok(callLine, lines.join('\n'));
  assert.match(callLine, /"POST \/audit\/mcp" 200 sub=\S+ client=test-cc via=introspection cache=hit method=tools\/call tool=add decision=allow reason="-" session=[0-9a-f]{12} \d+$/);
  assert.ok(!callLine.includes(sid), 'the session id itself is never logged');
  const initLine = lines.find((l) => l.includes('method=initialize') && l.includes(' 200 '));
  assert.match(initLine, /cache=miss .*decision=allow .*session=[0-9a-f]{12}/, 'the new session is fingerprinted too');
  const refused = lines.find((l) => l.includes(' 401 '));
  assert.match(refused, /decision=deny reason="no token"/);

  const audit = httpd.errorLogSince(0).split('\n').filter((l) => l.includes('MCP01101'));
  assert.equal(audit.length, 1, audit.join('\n'));
  assert.match(audit[0], /audit: tools\/call add by sub=\S+ client=test-cc: allow, status 200, session [0-9a-f]{12}, arguments \{"a":2,"\.\.\.$/);
});

test('/server-status?auto counts requests, refusals by status and reason, validations by method, sessions and the AS latency', async () => {
  const st0 = await httpd.serverStatus();
  for (const key of ['MCPAuthRequests', 'MCPAuthDenied401', 'MCPAuthDenied403', 'MCPAuthDeniedNoToken', 'MCPAuthDeniedPolicy',
    'MCPAuthValidationsIntrospection', 'MCPAuthValidationsJWT', 'MCPSessionsCreated', 'MCPStreamsOpen', 'MCPAuthASLatencyMeanMs', 'MCPAuthASLatencyMaxMs']) {
    assert.equal(typeof st0[key], 'number', `${key} in ?auto: ${JSON.stringify(st0)}`);
  }
  await rpc(url('scope'), initializeMessage());                                     // 401, no token
  await rpc(url('scope'), initializeMessage(), { token: await tokenFor('scope') }); // 403 by Require, 1 introspection
  await rpc(url('audit'), initializeMessage(), { token: await tokenFor('audit') }); // 200, a session
  const st1 = await httpd.serverStatus();
  const d = (k) => st1[k] - st0[k];
  assert.equal(d('MCPAuthRequests'), 3);
  assert.equal(d('MCPAuthDenied401'), 1);
  assert.equal(d('MCPAuthDeniedNoToken'), 1);
  assert.equal(d('MCPAuthDenied403'), 1);
  assert.equal(d('MCPAuthDeniedPolicy'), 1);
  assert.equal(d('MCPAuthValidationsIntrospection'), 2);
  assert.equal(d('MCPSessionsCreated'), 1);
  assert.ok(st1.MCPAuthASLatencyMaxMs > 0 && st1.MCPAuthASLatencyMeanMs > 0, JSON.stringify(st1));
  assert.ok(st1.MCPAuthASLatencyMeanMs <= st1.MCPAuthASLatencyMaxMs);
});

test('no token, secret or Authorization value in any log', async () => {
  assert.deepEqual(await suite.secretFindings(), []);
});
