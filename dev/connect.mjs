#!/usr/bin/env node
// Connect to a protected MCP endpoint with the official MCP TypeScript SDK
// client and do the whole MCP authorization flow without a browser:
//
//   node dev/connect.mjs [MCP_URL]            (default http://127.0.0.1:3000/mcp)
//   node dev/connect.mjs --gateway [MCP_URL]  (or GATEWAY=1: make demo GATEWAY=1)
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
// With --gateway, against the gateway demo (conf/demo-gateway.conf: Apache
// proxying to the "everything" server, MCPAuthToolScope get-env mcp:admin),
// after the same flow with scope mcp:tools:
//   -> tools/list: get-env is not listed (the token lacks mcp:admin)
//   -> tools/call echo
//   -> tools/call trigger-long-running-operation {duration: 2, steps: 4}
//      with a progress token: the progress notifications stream through
//      Apache while the call runs
//   -> tools/call get-env -> 403 insufficient_scope, scope="mcp:tools mcp:admin"
//      -> the SDK asks the AS again, for the wider scope (a second PKCE
//      authorization) -> token -> the same get-env call again -> 200
//   -> tools/list: get-env is listed now
// Exit code 0 only when all of that happened.  This client registers
// without the refresh_token grant, so it gets no refresh token: the 1.32
// SDK would try a refresh first, which cannot widen the scope, and give up
// ("403 after trying upscoping", typescript-sdk#2255).
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
//   GATEWAY=1                 the same as --gateway
//
// Note: the 1.32 SDK client accepts an http:// issuer on its own.  Only the
// SDK's *server* side looks at MCP_DANGEROUSLY_ALLOW_INSECURE_ISSUER_URL, so
// nothing needs to be set here for the loopback development AS.
import { writeFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { HeadlessOAuthProvider, recordingFetch } from './headless.mjs';

const args = process.argv.slice(2);
const GATEWAY = args.includes('--gateway') || process.env.GATEWAY === '1';
const MCP_URL = new URL(args.find((a) => a !== '--gateway') || process.env.MCP_URL || 'http://127.0.0.1:3000/mcp');
const REDIRECT_URL = process.env.MCP_CONNECT_REDIRECT_URL || 'http://127.0.0.1:8976/callback';
const RECORD = process.env.MCP_CONNECT_RECORD;
const TIMEOUT_MS = Number(process.env.MCP_CONNECT_TIMEOUT_MS || 30000);
const SECRETS = process.env.MCP_CONNECT_SECRETS;

// The tools of the gateway demo's backend (@modelcontextprotocol/server-everything).
const ECHO = 'echo';
const PROGRESS = 'trigger-long-running-operation';
const ADMIN_TOOL = 'get-env';
const ADMIN_SCOPE = 'mcp:admin';

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
    // Gateway: no refresh token, so that step-up is a new authorization.
    grant_types: GATEWAY ? ['authorization_code'] : ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  },
  log: (line) => say(`  ${line}`),
});
// Every token set the provider was given (a step-up gives a second one).
const tokenSets = [];
const saveTokens = provider.saveTokens.bind(provider);
provider.saveTokens = (tokens) => { tokenSets.push(tokens); saveTokens(tokens); };

const client = new Client({ name: 'mod_mcp_auth-connect', version: '1.0.0' });
const newTransport = () => new StreamableHTTPClientTransport(MCP_URL, { authProvider: provider, fetch: fetchFn });

function saveRecord(ok, error) {
  if (RECORD) writeFileSync(RECORD, `${JSON.stringify({ ok, error, url: MCP_URL.href, mode: GATEWAY ? 'gateway' : 'endpoint', results, records }, null, 2)}\n`);
  if (SECRETS) {
    const c = provider.clientInformation() ?? {};
    const list = [];
    tokenSets.forEach((t, i) => {
      const more = i === 0 ? '' : ` (${i + 1})`;
      if (t.access_token) list.push({ value: t.access_token, label: `SDK access token${more}` });
      if (t.refresh_token) list.push({ value: t.refresh_token, label: `SDK refresh token${more}` });
    });
    if (c.client_secret) list.push({ value: c.client_secret, label: 'SDK client secret' });
    writeFileSync(SECRETS, JSON.stringify(list), { mode: 0o600 });
  }
}

function finish(ok, error) {
  if (error) say(`FAILED: ${error}`);
  saveRecord(ok, error);
  const what = GATEWAY ? `echo, progress, ${ADMIN_TOOL} after step-up to ${ADMIN_SCOPE}` : 'add = 5, multiply = 10';
  say(ok ? `RESULT: OK (${what})` : 'RESULT: FAIL');
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

const textOf = (result) => result.content?.find((c) => c.type === 'text')?.text;

function describeToken(tokens) {
  return `type ${tokens?.token_type}, scope "${tokens?.scope}", expires in ${tokens?.expires_in} s, refresh token ${tokens?.refresh_token ? 'yes' : 'no'}`;
}

// The whole authorization flow, then a connected client.
async function authorizeAndConnect() {
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
  say(`token: ${describeToken(provider.tokens())}`);

  step('initialize with the token');
  transport = newTransport();
  await client.connect(transport);
  const server = client.getServerVersion();
  results.serverInfo = server;
  results.protocolVersion = transport.protocolVersion;
  say(`connected to ${server?.name} ${server?.version ?? ''}, protocol ${transport.protocolVersion ?? '?'}, session ${transport.sessionId ? 'yes' : 'none'}`);
  return transport;
}

async function main() {
  const transport = await authorizeAndConnect();

  step('tools/list');
  const { tools } = await client.listTools();
  results.tools = tools.map((t) => t.name);
  say(`tools: ${results.tools.join(', ')}`);
  if (!results.tools.includes('add') && results.tools.includes(ECHO)) {
    say('(no tool "add", but "echo": this looks like the gateway demo; run node dev/connect.mjs --gateway)');
  }

  step('tools/call add {a: 2, b: 3}');
  const addOk = toolValue('add', await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } }), 5);

  step('tools/call multiply {x: 4, y: 2.5}');
  const mulOk = toolValue('multiply', await client.callTool({ name: 'multiply', arguments: { x: 4, y: 2.5 } }), 10);

  await transport.terminateSession().catch(() => {});
  await client.close().catch(() => {});
  clearTimeout(timer);
  finish(addOk && mulOk, addOk && mulOk ? undefined : 'unexpected tool results');
}

// The gateway demo: Apache in front of the "everything" server, get-env
// behind MCPAuthToolScope get-env mcp:admin.
async function mainGateway() {
  const failures = [];
  const check = (ok, what) => {
    say(`${ok ? 'ok' : 'NOT OK'}: ${what}`);
    if (!ok) failures.push(what);
    return ok;
  };
  const transport = await authorizeAndConnect();
  const firstScope = (provider.tokens()?.scope ?? '').split(' ');
  check(!firstScope.includes(ADMIN_SCOPE), `the first token has no ${ADMIN_SCOPE} (scope "${firstScope.join(' ')}")`);
  check(!provider.tokens()?.refresh_token, 'no refresh token (so that step-up is a new authorization)');
  const sessionBefore = transport.sessionId;

  step(`tools/list (token without ${ADMIN_SCOPE})`);
  const { tools } = await client.listTools();
  results.tools = tools.map((t) => t.name);
  say(`tools (${results.tools.length}): ${results.tools.join(', ')}`);
  check(!results.tools.includes(ADMIN_TOOL), `${ADMIN_TOOL} is not listed (MCPAuthToolScope ${ADMIN_TOOL} ${ADMIN_SCOPE} filters it out)`);
  check(results.tools.includes(ECHO), `${ECHO} is listed`);

  step(`tools/call ${ECHO} {message: "hello through the gateway"}`);
  const echo = await client.callTool({ name: ECHO, arguments: { message: 'hello through the gateway' } });
  results.echo = { text: textOf(echo), isError: echo.isError === true };
  say(`${ECHO}: text = ${JSON.stringify(results.echo.text)}`);
  check(!echo.isError && results.echo.text === 'Echo: hello through the gateway', `${ECHO} answered through Apache`);

  step(`tools/call ${PROGRESS} {duration: 2, steps: 4}, with a progress token`);
  const started = Date.now();
  const progress = [];
  const long = await client.callTool({ name: PROGRESS, arguments: { duration: 2, steps: 4 } }, undefined, {
    onprogress: (p) => {
      progress.push({ ...p, ms: Date.now() - started });
      say(`  progress ${p.progress}/${p.total} at ${Date.now() - started} ms`);
    },
  });
  const doneMs = Date.now() - started;
  results.progress = { notifications: progress, resultMs: doneMs, text: textOf(long) };
  say(`${PROGRESS}: ${JSON.stringify(results.progress.text)} at ${doneMs} ms`);
  check(progress.length === 4, `4 progress notifications (got ${progress.length})`);
  // Streamed: the first one came well before the result (1.5 s before, if
  // nothing on the way holds the stream back).
  check(progress.length > 0 && doneMs - progress[0].ms >= 750,
    `the progress notifications streamed through Apache as they were sent (first at ${progress[0]?.ms ?? '-'} ms, result at ${doneMs} ms)`);

  step(`tools/call ${ADMIN_TOOL} (needs ${ADMIN_SCOPE}, which the token lacks)`);
  const authzBefore = provider.authorizationUrls.length;
  const recordsBefore = records.length;
  let stepUp;
  try {
    const env = await client.callTool({ name: ADMIN_TOOL, arguments: {} });
    stepUp = { unexpected: env };
  } catch (err) {
    stepUp = { err };
  }
  const denied = records.slice(recordsBefore).find((r) => r.rpc === 'tools/call' && r.tool === ADMIN_TOOL && r.status === 403);
  results.denied = denied ? { status: denied.status, wwwAuthenticate: denied.wwwAuthenticate } : undefined;
  check(Boolean(denied), `Apache answered the ${ADMIN_TOOL} call 403`);
  check(/error="insufficient_scope"/.test(denied?.wwwAuthenticate ?? '') && /scope="[^"]*\bmcp:admin\b[^"]*"/.test(denied?.wwwAuthenticate ?? ''),
    `the 403 challenge is insufficient_scope and names ${ADMIN_SCOPE}`);
  if (stepUp.unexpected) {
    check(false, `the ${ADMIN_TOOL} call was answered without ${ADMIN_SCOPE}`);
  } else if (!(stepUp.err instanceof UnauthorizedError)) {
    check(false, `the SDK started a new authorization for the wider scope (instead: ${stepUp.err?.message ?? stepUp.err})`);
  } else {
    const again = provider.authorizationUrls.slice(authzBefore).at(-1);
    results.stepUpScope = again?.searchParams.get('scope');
    say(`the SDK asked the AS again: scope="${results.stepUpScope}" resource="${again?.searchParams.get('resource')}"`);
    check(Boolean(again) && (results.stepUpScope ?? '').split(' ').includes(ADMIN_SCOPE), `a second authorization request, with scope ${ADMIN_SCOPE}`);

    step('exchange the new authorization code for a token with the wider scope');
    await transport.finishAuth(provider.takeCode());
    say(`token: ${describeToken(provider.tokens())}`);
    check((provider.tokens()?.scope ?? '').split(' ').includes(ADMIN_SCOPE), `the new token has ${ADMIN_SCOPE}`);

    step(`tools/call ${ADMIN_TOOL} again, with the new token, in the same session`);
    const env = await client.callTool({ name: ADMIN_TOOL, arguments: {} });
    let vars;
    try { vars = Object.keys(JSON.parse(textOf(env) ?? '')); } catch { vars = undefined; }
    results.getEnv = { isError: env.isError === true, variables: vars };
    say(`${ADMIN_TOOL}: the backend's environment has ${vars ? vars.length : '?'} variables: ${vars ? vars.join(', ') : JSON.stringify(textOf(env))}`);
    check(!env.isError && Array.isArray(vars), `${ADMIN_TOOL} answered after the step-up`);
    say(`session: ${transport.sessionId === sessionBefore ? 'the same as before the step-up' : 'a new one'}`);

    step(`tools/list (token with ${ADMIN_SCOPE})`);
    const { tools: wider } = await client.listTools();
    results.toolsAfterStepUp = wider.map((t) => t.name);
    check(results.toolsAfterStepUp.includes(ADMIN_TOOL), `${ADMIN_TOOL} is listed now`);
  }

  await transport.terminateSession().catch(() => {});
  await client.close().catch(() => {});
  clearTimeout(timer);
  finish(failures.length === 0, failures.length ? `not as expected: ${failures.join('; ')}` : undefined);
}

(GATEWAY ? mainGateway : main)().catch((err) => {
  clearTimeout(timer);
  finish(false, err?.message ?? String(err));
});
