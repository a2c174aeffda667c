#!/usr/bin/env node
// The MCP server behind mod_mcp_auth's gateway mode (make demo GATEWAY=1,
// tests/integration/lib/backend.mjs): the official "everything" reference
// server (@modelcontextprotocol/server-everything) over Streamable HTTP at
// http://127.0.0.1:PORT/mcp.  FOR LOCAL DEVELOPMENT AND TESTS ONLY: it has no
// authentication of its own (Apache in front does that), and its tool get-env
// returns this process's whole environment.
//
//   node dev/gateway-backend.mjs [PORT]      # default 3001, or env PORT
//
// The package's own "streamableHttp" launcher listens on every interface
// (express app.listen(PORT)) and cannot be told otherwise, so this file
// imports the package's server factory (createServer(): one McpServer per
// session, with every tool, resource and prompt of the package) and serves
// it with node:http, bound to 127.0.0.1 only.  Sessions work as in the
// package's launcher (one server and StreamableHTTPServerTransport per
// Mcp-Session-Id, created by an initialize POST without a session), except
// that an unknown Mcp-Session-Id gets 404 (-32001 "Session not found", as
// the transport spec says) instead of 400.
//
// Tools (server-everything 2026.8.31), among others:
//   echo {message}                              "Echo: <message>"
//   get-sum {a, b}
//   get-env {}                                  this process's environment, as JSON text
//   trigger-long-running-operation {duration = 10 (seconds), steps = 5}
//                                               one notifications/progress per step
//                                               (progress i, total steps) when the call
//                                               has _meta.progressToken, then a text result
//
// Environment:
//   PORT                  port to listen on (3001); the first argument wins
//   MCP_BACKEND_RECORD    a file: one JSON line is appended per incoming HTTP
//                         request, {"method","url","headers","rawHeaders"},
//                         headers as node received them (req.headers, names in
//                         lower case; rawHeaders: the list as sent, duplicates
//                         kept), written before the request is handled, so it
//                         is in the file before any answer goes out.  Bodies
//                         are not recorded and responses are not touched (SSE
//                         streams through as the transport writes it).
//   MCP_BACKEND_JSON      1: POSTs are answered with one application/json
//                         body instead of an SSE stream (the transport's
//                         enableJsonResponse)
//   GZIP_ALLOWED_DOMAINS  server-everything's own setting for its tool
//                         gzip-file-as-resource; set to 127.0.0.1 here unless
//                         given, so that the tool never fetches from the Internet
//
// stdout: "[backend] listening on http://127.0.0.1:PORT/mcp" once it listens,
// then one line per request (method, path, status, whether it carried a
// session).  SIGTERM or SIGINT: close every session, stop, exit 0.
import http from 'node:http';
import { appendFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';

const HOST = '127.0.0.1';
const PORT = Number(process.argv[2] || process.env.PORT || 3001);
const RECORD = process.env.MCP_BACKEND_RECORD || '';
const MCP_PATH = '/mcp';

if (!Number.isInteger(PORT) || PORT < 1 || PORT > 65535) {
  console.error(`[backend] ${process.argv[2] || process.env.PORT} is not a port number`);
  process.exit(2);
}
// Before the package is loaded: it reads the variable once, at import.
process.env.GZIP_ALLOWED_DOMAINS ??= '127.0.0.1';

// Deep imports: the package has no "exports" map, and its launcher
// (dist/index.js streamableHttp) would listen on every interface.
const { createServer } = await import('@modelcontextprotocol/server-everything/dist/server/index.js');
const { StreamableHTTPServerTransport } = await import('@modelcontextprotocol/sdk/server/streamableHttp.js');

// Mcp-Session-Id -> { transport, server, cleanup }
const sessions = new Map();

function jsonError(res, status, code, message, extraHeaders = {}) {
  if (res.headersSent) { res.end(); return; }
  res.writeHead(status, { 'content-type': 'application/json', ...extraHeaders });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

function record(req) {
  if (!RECORD) return;
  const line = JSON.stringify({ method: req.method, url: req.url, headers: req.headers, rawHeaders: req.rawHeaders });
  try {
    appendFileSync(RECORD, `${line}\n`);
  } catch (err) {
    console.error(`[backend] cannot append to MCP_BACKEND_RECORD ${RECORD}: ${err.code ?? err.message}`);
  }
}

// A new session: a server from the package's factory, and a transport whose
// session is registered once the initialize request has been accepted.
async function newSession() {
  const { server, cleanup } = createServer();
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: () => randomUUID(),
    // MCP_BACKEND_JSON=1: answer POSTs with application/json, not SSE
    enableJsonResponse: process.env.MCP_BACKEND_JSON === '1',
    onsessioninitialized: (sid) => {
      sessions.set(sid, { transport, server, cleanup });
    },
  });
  server.server.onclose = () => {
    const sid = transport.sessionId;
    if (sid && sessions.has(sid)) {
      sessions.delete(sid);
      cleanup(sid);
    }
  };
  await server.connect(transport);
  return { transport, server, cleanup };
}

async function handleMcp(req, res) {
  const sid = req.headers['mcp-session-id'];
  if (!['POST', 'GET', 'DELETE'].includes(req.method)) {
    jsonError(res, 405, -32000, 'Method not allowed.', { allow: 'GET, POST, DELETE' });
    return;
  }
  if (sid) {
    const session = sessions.get(sid);
    if (!session) {
      jsonError(res, 404, -32001, 'Session not found');
      return;
    }
    await session.transport.handleRequest(req, res);
    return;
  }
  if (req.method !== 'POST') {
    jsonError(res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
    return;
  }
  // No session: only an initialize request may start one (the transport
  // answers anything else with 400).  A transport that did not start a
  // session is closed again.
  const fresh = await newSession();
  await fresh.transport.handleRequest(req, res);
  const started = fresh.transport.sessionId && sessions.get(fresh.transport.sessionId)?.transport === fresh.transport;
  if (!started) {
    await fresh.server.close().catch(() => {});
    fresh.cleanup(undefined);
  }
}

const httpServer = http.createServer((req, res) => {
  record(req);
  const path = (req.url ?? '').split('?')[0];
  const hadSession = req.headers['mcp-session-id'] ? ' (session)' : '';
  res.on('close', () => {
    console.log(`[backend] ${req.method} ${path} ${res.statusCode}${hadSession}${res.writableFinished ? '' : ' (closed early)'}`);
  });
  if (path !== MCP_PATH) {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"not_found"}');
    return;
  }
  handleMcp(req, res).catch((err) => {
    console.error(`[backend] error handling ${req.method} ${path}: ${err?.message ?? err}`);
    jsonError(res, 500, -32603, 'Internal server error');
  });
});

httpServer.on('error', (err) => {
  console.error(`[backend] cannot listen on ${HOST}:${PORT}: ${err.code ?? err.message}`);
  process.exit(1);
});
httpServer.listen(PORT, HOST, () => {
  console.log(`[backend] listening on http://${HOST}:${PORT}${MCP_PATH}`);
});

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`[backend] ${signal}: shutting down`);
  setTimeout(() => process.exit(0), 2000).unref();
  httpServer.close();
  for (const [sid, { server, cleanup }] of sessions) {
    sessions.delete(sid);
    cleanup(sid);
    await server.close().catch(() => {});
  }
  httpServer.closeAllConnections();
  process.exit(0);
}
process.on('SIGTERM', () => { stop('SIGTERM'); });
process.on('SIGINT', () => { stop('SIGINT'); });
