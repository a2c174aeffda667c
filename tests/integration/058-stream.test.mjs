// The server-to-client SSE stream (GET with MCPServerStream On): opened
// for a live session only, keep-alive comments, bounded per process,
// closed when the session ends.  Unauthenticated endpoint (the rules are
// the transport's); one Apache process so that the bound is exact.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startApache } from './lib/apache.mjs';
import { freePorts, sleep } from './lib/env.mjs';
import { request } from './lib/http.mjs';
import { openSession, assertSessionRequired, assertSessionNotFound } from './lib/sessions.mjs';
import { fileSuite } from './lib/suite.mjs';

const suite = fileSuite('058-stream');
const { secrets } = suite;
let S; let OFF;

const ONE_PROCESS = `<IfModule mpm_event_module>
  StartServers         1
  ServerLimit          1
  ThreadsPerChild      16
  MaxRequestWorkers    16
  MinSpareThreads      4
  MaxSpareThreads      16
</IfModule>`;

before(async () => {
  const [P] = await freePorts(1);
  S = `http://127.0.0.1:${P}/stream/mcp`;
  OFF = `http://127.0.0.1:${P}/off/mcp`;
  const httpd = suite.started(await startApache({
    name: 'stream',
    ports: [P],
    mpmConfig: ONE_PROCESS,
    body: `
<Location /stream/mcp>
  SetHandler mcp
  MCPServerStream on
  MCPServerStreamKeepAlive 1s
  MCPServerStreamMax 1
  Require all granted
</Location>
<Location /off/mcp>
  SetHandler mcp
  Require all granted
</Location>
`,
  }));
  suite.addLogs(...httpd.logFiles());
});

after(() => suite.stopAll());

// Open a GET stream; resolves once the headers are in, collecting the body.
function openStream(url, sid) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request({
      host: u.hostname, port: u.port, path: u.pathname, method: 'GET', agent: false,
      headers: { Accept: 'text/event-stream', ...(sid ? { 'Mcp-Session-Id': sid } : {}) },
    }, (res) => {
      const s = { status: res.statusCode, headers: res.headers, text: '', ended: false };
      res.setEncoding('utf8');
      res.on('data', (d) => { s.text += d; });
      res.on('end', () => { s.ended = true; });
      res.on('error', () => { s.ended = true; });
      s.close = () => req.destroy();
      resolve(s);
    });
    req.on('error', reject);
    req.end();
  });
}

async function until(cond, ms) {
  for (let t = 0; t < ms; t += 50) {
    if (cond()) return true;
    await sleep(50);
  }
  return cond();
}

test('GET without MCPServerStream → 405, Allow: POST, DELETE, OPTIONS', async () => {
  const res = await request(OFF, { headers: { Accept: 'text/event-stream' } });
  assert.equal(res.status, 405);
  assert.equal(res.headers.allow, 'POST, DELETE, OPTIONS');
});

test('GET stream: 400 without a session id, 404 for an unknown one, 406 without text/event-stream', async () => {
  assertSessionRequired(await request(S, { headers: { Accept: 'text/event-stream' } }));
  assertSessionNotFound(await request(S, { headers: { Accept: 'text/event-stream', 'Mcp-Session-Id': 'AAAAAAAAAAAAAAAAAAAAAA' } }));
  const sid = secrets.add(await openSession(S), 'an MCP session id');
  const res = await request(S, { headers: { Accept: 'application/json', 'Mcp-Session-Id': sid } });
  assert.equal(res.status, 406, res.text);
});

test('GET stream: text/event-stream, keep-alive comments, one per process (503 beyond), closed by DELETE', async () => {
  const sid = secrets.add(await openSession(S), 'an MCP session id');
  const s = await openStream(S, sid);
  try {
    assert.equal(s.status, 200);
    assert.equal(s.headers['content-type'], 'text/event-stream');
    assert.equal(s.headers['cache-control'], 'no-cache');
    assert.ok(await until(() => /^: stream open\n\n/.test(s.text), 2000), JSON.stringify(s.text));
    assert.ok(await until(() => s.text.includes(': keep-alive\n\n'), 3000), JSON.stringify(s.text));

    const second = await request(S, { headers: { Accept: 'text/event-stream', 'Mcp-Session-Id': sid } });
    assert.equal(second.status, 503, second.text);
    assert.equal(second.headers['retry-after'], '5');

    const del = await request(S, { method: 'DELETE', headers: { 'Mcp-Session-Id': sid } });
    assert.equal(del.status, 200);
    // the stream notices at its next keep-alive (1 s) and ends
    assert.ok(await until(() => s.ended, 4000), 'the stream did not end after DELETE');
    assert.ok(!/data:/.test(s.text), 'a stream without server messages carries comments only');
  }
  finally {
    s.close();
  }
  // the slot is free again
  const sid2 = secrets.add(await openSession(S), 'an MCP session id');
  const s2 = await openStream(S, sid2);
  try {
    assert.equal(s2.status, 200);
  }
  finally {
    s2.close();
  }
});
