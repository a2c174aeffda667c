#!/usr/bin/env node
// The benchmark's "tutorial" contender: an MCP server written the way the
// MCP documentation's TypeScript authorization tutorial and the SDK's own
// examples (simpleStreamableHttp.js --oauth, simpleStatelessStreamableHttp.js)
// write one: Node.js + Express (createMcpExpressApp), the SDK's
// requireBearerAuth middleware with a verifier that asks the authorization
// server's RFC 7662 introspection endpoint about every token (no cache, as
// in the tutorial), and a McpServer with an "add" tool behind a Streamable
// HTTP transport in stateless mode (a new server and transport per request,
// sessionIdGenerator undefined, JSON responses).  One Node.js process.
//
// Environment (bench/run sets it):
//   SDK_PORT            port to listen on (127.0.0.1)
//   SDK_RESOURCE        the resource the tokens must be issued for (their aud):
//                       the same as mod_mcp_auth's, so that every contender
//                       takes the same token
//   SDK_ISSUER          the authorization server (its RFC 8414 metadata names
//                       the introspection endpoint)
//   SDK_CLIENT_ID, SDK_CLIENT_SECRET
//                       the introspection client (client_secret_basic)
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { mcpAuthMetadataRouter, getOAuthProtectedResourceMetadataUrl } from '@modelcontextprotocol/sdk/server/auth/router.js';
import { checkResourceAllowed } from '@modelcontextprotocol/sdk/shared/auth-utils.js';
import { InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import * as z from 'zod';

const env = process.env;
const PORT = Number(env.SDK_PORT || 3002);
const mcpServerUrl = new URL(env.SDK_RESOURCE || `http://127.0.0.1:${PORT}/mcp`);
const issuer = env.SDK_ISSUER || 'http://127.0.0.1:8080';
const clientId = env.SDK_CLIENT_ID || 'mcp-rs';
const clientSecret = env.SDK_CLIENT_SECRET || 'dev-secret';

// The authorization server's metadata, as the tutorial reads it at start.
const metaRes = await fetch(`${issuer}/.well-known/oauth-authorization-server`);
if (!metaRes.ok) {
  console.error(`sdk-server: ${issuer} metadata answered ${metaRes.status}`);
  process.exit(1);
}
const oauthMetadata = await metaRes.json();
const basic = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;

// The tutorial's token verifier: introspect every token.
const tokenVerifier = {
  async verifyAccessToken(token) {
    const response = await fetch(oauthMetadata.introspection_endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: basic },
      body: new URLSearchParams({ token }).toString(),
    });
    if (!response.ok) {
      throw new Error(`Invalid or expired token: ${response.status}`);
    }
    const data = await response.json();
    if (data.active !== true) {
      throw new InvalidTokenError('Token is not active');
    }
    // RFC 8707: the token must have been issued for this server.
    const audiences = [data.aud ?? []].flat();
    const audience = audiences.find((aud) => URL.canParse(aud)
      && checkResourceAllowed({ requestedResource: aud, configuredResource: mcpServerUrl }));
    if (!audience) {
      throw new InvalidTokenError(`Token was not issued for ${mcpServerUrl}`);
    }
    return {
      token,
      clientId: data.client_id,
      scopes: data.scope ? data.scope.split(' ') : [],
      expiresAt: data.exp,
      resource: new URL(audience),
    };
  },
};

// A new McpServer per request (the SDK's stateless pattern).
function getServer() {
  const server = new McpServer({ name: 'bench-sdk-server', version: '1.0.0' });
  server.registerTool('add', {
    description: 'Add two numbers',
    inputSchema: { a: z.number(), b: z.number() },
  }, async ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }));
  return server;
}

const app = createMcpExpressApp({ host: '127.0.0.1' });
app.use(mcpAuthMetadataRouter({
  oauthMetadata,
  resourceServerUrl: mcpServerUrl,
  scopesSupported: ['mcp:tools'],
  resourceName: 'SDK benchmark server',
}));
const auth = requireBearerAuth({
  verifier: tokenVerifier,
  requiredScopes: ['mcp:tools'],
  resourceMetadataUrl: getOAuthProtectedResourceMetadataUrl(mcpServerUrl),
  expectedResource: mcpServerUrl,
});

app.post('/mcp', auth, async (req, res) => {
  const server = getServer();
  try {
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    res.on('close', () => {
      transport.close();
      server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  } catch (error) {
    console.error('sdk-server: error handling an MCP request:', error);
    if (!res.headersSent) {
      res.status(500).json({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal server error' }, id: null });
    }
  }
});

const methodNotAllowed = (_req, res) => {
  res.status(405).json({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null });
};
app.get('/mcp', methodNotAllowed);
app.delete('/mcp', methodNotAllowed);

const httpServer = app.listen(PORT, '127.0.0.1', () => {
  console.log(`sdk-server: http://127.0.0.1:${PORT}/mcp (resource ${mcpServerUrl}, introspection at ${oauthMetadata.introspection_endpoint})`);
});
httpServer.on('error', (err) => {
  console.error(`sdk-server: cannot listen on 127.0.0.1:${PORT}: ${err.code ?? err.message}`);
  process.exit(1);
});
const stop = () => { httpServer.close(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
