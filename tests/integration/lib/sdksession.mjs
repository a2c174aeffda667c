// The official MCP TypeScript SDK client (the one dev/connect.mjs drives),
// in the test process, so that a test can act between its steps: the whole
// MCP authorization flow (401 → PRM → AS metadata → registration → PKCE
// authorization, approved by dev/authserver.mjs → token), then a connected
// Client whose transport keeps the Mcp-Session-Id.
//
//   const s = await sdkConnect(url, { onToken: (value, label) => secrets.add(value, label) });
//   await s.client.callTool({ name: 'add', arguments: { a: 2, b: 3 } });
//   s.transport.sessionId;  s.records;  s.tokens();  await s.close();
//
// records: every HTTP request the SDK made, without any token: { n, method,
// url, status, rpc, tool, grant_type, authorization ('Bearer' or undefined),
// sidSent, sidReceived (the Mcp-Session-Id request and response headers) }.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { HeadlessOAuthProvider } from '../../../dev/headless.mjs';

const REDIRECT_URL = 'http://127.0.0.1:8976/callback';

function describeBody(body) {
  if (typeof body === 'string' && body.startsWith('{')) {
    try {
      const msg = JSON.parse(body);
      return msg.method ? { rpc: msg.method, tool: msg.params?.name } : {};
    } catch { return {}; }
  }
  if (body instanceof URLSearchParams) return { grant_type: body.get('grant_type') ?? undefined };
  return {};
}

function recordingFetch(records) {
  return async (input, init = {}) => {
    const request = input instanceof Request ? input : undefined;
    const url = new URL(request ? request.url : String(input));
    const headers = new Headers(init.headers ?? request?.headers);
    const rec = {
      n: records.length + 1,
      method: init.method ?? request?.method ?? 'GET',
      url: `${url.origin}${url.pathname}`,
      authorization: headers.has('authorization') ? headers.get('authorization').split(' ')[0] : undefined,
      sidSent: headers.get('mcp-session-id') ?? undefined,
      ...describeBody(init.body),
    };
    records.push(rec);
    try {
      const res = await fetch(input, init);
      rec.status = res.status;
      rec.sidReceived = res.headers.get('mcp-session-id') ?? undefined;
      return res;
    } catch (err) {
      rec.error = err.cause?.code ?? err.message;
      throw err;
    }
  };
}

// onToken(value, label) is called for every access and refresh token and
// client secret the SDK saves (so that a test can register them as secrets).
// grantTypes: what the client registers; without 'refresh_token' it gets
// no refresh token, and a step-up (403 insufficient_scope) re-authorizes
// in full (the 1.32 client would otherwise refresh, which cannot widen
// the scope: typescript-sdk#2255).
export async function sdkConnect(url, { onToken = () => {}, name = 'mod_mcp_auth-057-sessions', grantTypes = ['authorization_code', 'refresh_token'] } = {}) {
  const records = [];
  const fetchFn = recordingFetch(records);
  const provider = new HeadlessOAuthProvider({
    redirectUrl: REDIRECT_URL,
    clientMetadata: {
      client_name: name,
      redirect_uris: [REDIRECT_URL],
      grant_types: grantTypes,
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    },
  });
  const accessTokens = [];
  const saveTokens = provider.saveTokens.bind(provider);
  provider.saveTokens = (t) => {
    if (t?.access_token) {
      accessTokens.push({ value: t.access_token, savedAt: Date.now(), expiresIn: t.expires_in });
      onToken(t.access_token, 'SDK access token (057)');
    }
    if (t?.refresh_token) onToken(t.refresh_token, 'SDK refresh token (057)');
    saveTokens(t);
  };
  const saveClient = provider.saveClientInformation.bind(provider);
  provider.saveClientInformation = (info) => {
    if (info?.client_secret) onToken(info.client_secret, 'SDK client secret (057)');
    saveClient(info);
  };

  const client = new Client({ name, version: '1.0.0' });
  const newTransport = () => new StreamableHTTPClientTransport(new URL(url), { authProvider: provider, fetch: fetchFn });
  let transport = newTransport();
  try {
    await client.connect(transport);
    throw new Error('the endpoint answered without asking for a token');
  } catch (err) {
    if (!(err instanceof UnauthorizedError)) throw err;
  }
  await transport.finishAuth(provider.takeCode());
  transport = newTransport();
  await client.connect(transport);
  return {
    client,
    transport,
    provider,
    records,
    // Every access token saved so far, oldest first: { value, savedAt, expiresIn }.
    accessTokens,
    accessToken: () => provider.tokens()?.access_token,
    close: () => client.close().catch(() => {}),
  };
}
