#!/usr/bin/env node
// Connect to a protected MCP endpoint with the official MCP TypeScript SDK
// client and do the whole MCP authorization flow without a browser:
//
//   node dev/connect.mjs [MCP_URL]          (default http://127.0.0.1:3000/mcp)
//
//   POST MCP_URL (no token) -> 401 with resource_metadata
//   -> Protected Resource Metadata -> authorization server metadata
//   -> dynamic client registration -> authorization request with PKCE and
//   "resource" (redirects followed here, the AS approves a demo user)
//   -> token request -> initialize -> tools/list
//   -> tools/call add {a:2,b:3} -> tools/call multiply {x:4,y:2.5}
//
// Exit code 0 only when add gives 5 and multiply gives 10, both in
// structuredContent.result and in the text content.
//
// Environment:
//   MCP_CONNECT_REDIRECT_URL  redirect URI to register (http://127.0.0.1:8976/callback;
//                             nothing needs to listen there)
//   MCP_CONNECT_RECORD=<file> also write every HTTP request the SDK made
//                             (method, URL, status, WWW-Authenticate, JSON-RPC
//                             method; never a token) and the results as JSON
//   MCP_CONNECT_TIMEOUT_MS    give up after this long (30000)
//   MCP_CONNECT_SECRETS=<file> (tests only) write the tokens (and client secret) it
//                             got, as [{value, label}], so a test can check that
//                             no log contains them
//
// Note: the 1.32 SDK client accepts an http:// issuer on its own.  Only the
// SDK's *server* side looks at MCP_DANGEROUSLY_ALLOW_INSECURE_ISSUER_URL, so
// nothing needs to be set here for the loopback development AS.
import { writeFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { HeadlessOAuthProvider, recordingFetch } from './headless.mjs';

const MCP_URL = new URL(process.argv[2] || process.env.MCP_URL || 'http://127.0.0.1:3000/mcp');
const REDIRECT_URL = process.env.MCP_CONNECT_REDIRECT_URL || 'http://127.0.0.1:8976/callback';
const RECORD = process.env.MCP_CONNECT_RECORD;
const TIMEOUT_MS = Number(process.env.MCP_CONNECT_TIMEOUT_MS || 30000);
const SECRETS = process.env.MCP_CONNECT_SECRETS;

const say = (msg) => console.log(`[connect] ${msg}`);
const step = (msg) => console.log(`\n[connect] == ${msg}`);

const records = [];
const results = {};
const fetchFn = recordingFetch(records, (line) => say(`  ${line}`));
const provider = new HeadlessOAuthProvider({
  redirectUrl: REDIRECT_URL,
  clientMetadata: {
    client_name: 'mod_mcp_auth dev/connect.mjs',
    redirect_uris: [REDIRECT_URL],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  },
  log: (line) => say(`  ${line}`),
});
const client = new Client({ name: 'mod_mcp_auth-connect', version: '1.0.0' });
const newTransport = () => new StreamableHTTPClientTransport(MCP_URL, { authProvider: provider, fetch: fetchFn });

function saveRecord(ok, error) {
  if (RECORD) writeFileSync(RECORD, `${JSON.stringify({ ok, error, url: MCP_URL.href, results, records }, null, 2)}\n`);
  if (SECRETS) {
    const t = provider.tokens() ?? {};
    const c = provider.clientInformation() ?? {};
    const list = [
      [t.access_token, 'SDK access token'],
      [t.refresh_token, 'SDK refresh token'],
      [c.client_secret, 'SDK client secret'],
    ].filter(([value]) => value).map(([value, label]) => ({ value, label }));
    writeFileSync(SECRETS, JSON.stringify(list), { mode: 0o600 });
  }
}

function finish(ok, error) {
  if (error) say(`FAILED: ${error}`);
  saveRecord(ok, error);
  say(ok ? 'RESULT: OK (add = 5, multiply = 10)' : 'RESULT: FAIL');
  process.exit(ok ? 0 : 1);
}

const timer = setTimeout(() => finish(false, `timed out after ${TIMEOUT_MS} ms`), TIMEOUT_MS);

// The value a tool call returned, checked in both places it is reported.
function toolValue(name, result, expected) {
  const text = result.content?.find((c) => c.type === 'text')?.text;
  const structured = result.structuredContent?.result;
  say(`${name}: structuredContent.result = ${JSON.stringify(structured)}, text = ${JSON.stringify(text)}${result.isError ? ' (isError)' : ''}`);
  results[name] = { structured, text, isError: result.isError === true };
  return !result.isError && structured === expected && text !== undefined && Number(text) === expected;
}

async function main() {
  step(`connect to ${MCP_URL.href} without a token`);
  let transport = newTransport();
  try {
    await client.connect(transport);
    throw new Error('the endpoint answered without asking for a token');
  } catch (err) {
    if (!(err instanceof UnauthorizedError)) throw err;
  }
  const authz = provider.authorizationUrls.at(-1);
  if (authz) {
    const p = authz.searchParams;
    say(`authorization request: scope="${p.get('scope')}" resource="${p.get('resource')}" code_challenge_method=${p.get('code_challenge_method')}`);
  }
  say(`registered client ${provider.clientInformation()?.client_id}`);

  step('exchange the authorization code for a token');
  await transport.finishAuth(provider.takeCode());
  const tokens = provider.tokens();
  say(`token: type ${tokens?.token_type}, scope "${tokens?.scope}", expires in ${tokens?.expires_in} s, refresh token ${tokens?.refresh_token ? 'yes' : 'no'}`);

  step('initialize with the token');
  transport = newTransport();
  await client.connect(transport);
  const server = client.getServerVersion();
  results.serverInfo = server;
  results.protocolVersion = transport.protocolVersion;
  say(`connected to ${server?.name} ${server?.version ?? ''}, protocol ${transport.protocolVersion ?? '?'}, session ${transport.sessionId ? 'yes' : 'none'}`);

  step('tools/list');
  const { tools } = await client.listTools();
  results.tools = tools.map((t) => t.name);
  say(`tools: ${results.tools.join(', ')}`);

  step('tools/call add {a: 2, b: 3}');
  const addOk = toolValue('add', await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } }), 5);

  step('tools/call multiply {x: 4, y: 2.5}');
  const mulOk = toolValue('multiply', await client.callTool({ name: 'multiply', arguments: { x: 4, y: 2.5 } }), 10);

  await transport.terminateSession().catch(() => {});
  await client.close().catch(() => {});
  clearTimeout(timer);
  finish(addOk && mulOk, addOk && mulOk ? undefined : 'unexpected tool results');
}

main().catch((err) => {
  clearTimeout(timer);
  finish(false, err?.message ?? String(err));
});
