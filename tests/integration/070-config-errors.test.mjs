// Bad directive values stop Apache at configuration time (apache2 -t), with
// a message that names the directive.  Each case changes one thing in a
// configuration that passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configTest, assertModuleBuilt } from './lib/apache.mjs';

// Everything https, so that MCPAuthAllowHTTP is not needed.
const GOOD = {
  global: '',
  allowHttp: '',
  resource: 'MCPAuthResource https://mcp.example.com/mcp',
  issuer: 'MCPAuthIssuer https://auth.example.com',
  introspection: 'MCPAuthIntrospectionURL https://auth.example.com/token/introspection',
  auth: 'MCPAuthIntrospectionAuth client_secret_basic mcp-rs dev-secret',
  scope: 'MCPAuthRequireScope mcp:tools',
  extra: '',
};

const body = (o) => `
${o.global}
${o.allowHttp}
<Location /mcp>
  AuthType MCP
  ${o.resource}
  ${o.issuer}
  ${o.introspection}
  ${o.auth}
  ${o.scope}
  ${o.extra}
  Require valid-user
  SetHandler mcp
</Location>
`;

const CASES = [
  ['MCPAuthResource', 'a resource that is not an absolute URI', { resource: 'MCPAuthResource mcp.example.com' }],
  ['MCPAuthResource', 'a resource with a fragment', { resource: 'MCPAuthResource https://x/mcp#frag' }],
  ['MCPAuthResource', 'a relative resource', { resource: 'MCPAuthResource /mcp' }],
  ['MCPAuthResourceAlias', 'an alias that is not an absolute URI', { extra: 'MCPAuthResourceAlias mcp.example.com/mcp' }],
  ['MCPAuthTimeout', 'a timeout that is not a duration', { extra: 'MCPAuthTimeout abc' }],
  ['MCPAuthTimeout', 'a connect timeout that is not a duration', { extra: 'MCPAuthTimeout 5s soon' }],
  ['MCPAuthClockSkew', 'a clock skew that is not a duration', { extra: 'MCPAuthClockSkew abc' }],
  ['MCPAuthMaxResponseSize', 'a size that is not a number', { extra: 'MCPAuthMaxResponseSize lots' }],
  ['MCPMaxBodySize', 'a negative body size', { extra: 'MCPMaxBodySize -1' }],
  ['MCPAuthToolScope', 'a tool rule without a scope', { extra: 'MCPAuthToolScope get-env' }],
  ['MCPAuthToolScope', 'a tool rule with an invalid scope', { extra: `MCPAuthToolScope get-env 'bad"scope'` }],
  ['MCPAuthToolScope', 'a tool name that is neither a name nor a pattern', { extra: 'MCPAuthToolScope get$env mcp:admin' }],
  ['MCPMaxListSize', 'a list size that is not a number', { extra: 'MCPMaxListSize lots' }],
  ['MCPAuthScopesSupported', 'a tool scope that the metadata does not advertise',
    { extra: 'MCPAuthScopesSupported mcp:tools\n  MCPAuthToolScope get-env mcp:admin' }],
  ['MCPAuthScopeImplies', 'a scope that implies nothing', { extra: 'MCPAuthScopeImplies mcp:admin' }],
  ['MCPAuditArguments', 'a size that is neither Off nor a number', { extra: 'MCPAuditArguments some' }],
  ['MCPAuditLog', 'a flag that is neither On nor Off', { extra: 'MCPAuditLog yes' }],
  ['Require mcp-claim', 'a claim rule without a value', { extra: 'Require mcp-claim groups' }],
  ['Require mcp-claim', 'a regular expression that does not compile', { extra: 'Require mcp-claim groups /(/' }],
  ['Require mcp-scope', 'an invalid scope', { extra: `Require mcp-scope 'a"b'` }],
  ['MCPAuthIntrospectionAuth', 'an unsupported client authentication method', { auth: 'MCPAuthIntrospectionAuth private_key_jwt a b' }],
  ['MCPAuthIntrospectionAuth', 'a missing secret', { auth: 'MCPAuthIntrospectionAuth client_secret_basic mcp-rs' }],
  ['MCPAuthIntrospectionURL', 'an http:// introspection URL without MCPAuthAllowHTTP On',
    { introspection: 'MCPAuthIntrospectionURL http://auth.example.com/token/introspection' }],
  ['MCPAuthRequireScope', 'a scope with a double quote', { scope: `MCPAuthRequireScope 'bad"scope'` }],
  ['MCPAuthIssuer', 'a protected resource without MCPAuthIssuer', { issuer: '' }],
  ['MCPAuthAllowHTTP', 'a flag that is neither On nor Off', { allowHttp: 'MCPAuthAllowHTTP maybe' }],
  ['MCPAuthCacheLocalEntries', 'more entries than the memo allows', { global: 'MCPAuthCacheLocalEntries 70000' }],
  ['MCPAuthCacheLocalEntries', 'a number of entries that is not a number', { global: 'MCPAuthCacheLocalEntries many' }],
  ['MCPAuthCacheLocalEntries', 'the memo size inside a Location (server config only)', { extra: 'MCPAuthCacheLocalEntries 10' }],
];

test('MCPAuthCacheLocalEntries 0 (memo off) and 65536 pass apache2 -t', async () => {
  for (const [i, n] of [0, 65536].entries()) {
    const { code, output } = await configTest({ name: `memo${i}`, body: body({ ...GOOD, global: `MCPAuthCacheLocalEntries ${n}` }) });
    assert.equal(code, 0, output);
  }
});

test('the unchanged configuration passes apache2 -t', async () => {
  assertModuleBuilt();
  const { code, output } = await configTest({ name: 'good', body: body(GOOD) });
  assert.equal(code, 0, output);
  assert.match(output, /Syntax OK/);
});

test('the same configuration with plain http and MCPAuthAllowHTTP On passes apache2 -t', async () => {
  const { code, output } = await configTest({
    name: 'good-http',
    body: body({ ...GOOD, allowHttp: 'MCPAuthAllowHTTP On', introspection: 'MCPAuthIntrospectionURL http://127.0.0.1:9/token/introspection' }),
  });
  assert.equal(code, 0, output);
});

CASES.forEach(([directive, label, change], i) => {
  test(`apache2 -t fails and names ${directive}: ${label}`, async () => {
    // (the run directory must not be named after the directive: the message quotes its path)
    const { code, output } = await configTest({ name: `case${i}`, body: body({ ...GOOD, ...change }) });
    assert.notEqual(code, 0, `apache2 -t accepted it:\n${output}`);
    assert.ok(output.includes(directive), `the message does not name ${directive}:\n${output}`);
  });
});
