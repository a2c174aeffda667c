// Start and stop the MCP server behind the gateway (dev/gateway-backend.mjs:
// @modelcontextprotocol/server-everything over Streamable HTTP on
// 127.0.0.1), and read what it received.
//
//   const backend = await startBackend({ name: 'gateway' });
//   … ProxyPass ${backend.url} …
//   backend.requests()   // [{ method, url, headers, rawHeaders }, …] so far
//   await backend.stop();
//
// Each incoming HTTP request is appended by the backend to a JSON-lines file
// (MCP_BACKEND_RECORD) before it is handled, so a request that has been
// answered is always in requests().  headers are node's req.headers (names
// in lower case, duplicates of most headers joined with ", ", a duplicate
// Authorization dropped by node); rawHeaders is the list as sent, duplicates
// kept: check both to prove the backend never saw a header.
//
// The backend runs with a small, known environment (PATH, PORT,
// MCP_BACKEND_RECORD, MCP_BACKEND_NAME = name, GZIP_ALLOWED_DOMAINS =
// 127.0.0.1, plus `env`): its tool get-env returns exactly that, never the
// test run's environment.
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO, makeRunDir, freePort, track, stopChild, waitForPort } from './env.mjs';

// Tool names of server-everything 2026.8.31 that the gateway tests use.
export const BACKEND_TOOLS = {
  echo: 'echo',                                   // {message} -> "Echo: <message>"
  env: 'get-env',                                 // {} -> the backend's environment, JSON text
  progress: 'trigger-long-running-operation',     // {duration (s, 10), steps (5)}: one
                                                  // notifications/progress per step with _meta.progressToken
};

export async function startBackend({ name = 'backend', port, env = {} } = {}) {
  port ??= await freePort();
  const run = makeRunDir(name);
  const logFile = path.join(run, 'backend.log');
  const recordFile = path.join(run, 'requests.jsonl');
  writeFileSync(recordFile, '', { mode: 0o644 });
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [path.join(REPO, 'dev/gateway-backend.mjs')], {
    cwd: REPO,
    stdio: ['ignore', out, out],
    // Not the test run's environment: get-env shows this, and only this.
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      MCP_BACKEND_RECORD: recordFile,
      MCP_BACKEND_NAME: name,
      GZIP_ALLOWED_DOMAINS: '127.0.0.1',
      ...env,
    },
  });
  closeSync(out);
  track(child.pid, `backend ${name}`);
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  const backend = {
    name,
    port,
    pid: child.pid,
    child,
    url: `http://127.0.0.1:${port}/mcp`,
    logFile,
    recordFile,
    log,
    // Every request it received so far, in order, parsed.
    requests: () => (existsSync(recordFile) ? readFileSync(recordFile, 'utf8') : '')
      .split('\n').filter(Boolean).map((line) => JSON.parse(line)),
    stop: () => stopChild(child, { name: `backend ${name}` }),
  };
  try {
    await waitForPort(port, { alive: () => child.exitCode === null && child.signalCode === null, what: `backend ${name}` });
  } catch (err) {
    await backend.stop();
    throw new Error(`${err.message}\n${log()}`);
  }
  return backend;
}
