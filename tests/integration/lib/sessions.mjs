// MCP sessions of the built-in endpoint (057-sessions*): requests that carry
// an Mcp-Session-Id, the exact answers docs/behaviour.md promises for the
// session rules, and many session requests at once over new connections.
import assert from 'node:assert/strict';
import { rpc, request, initializeMessage } from './http.mjs';

export const PROTOCOL = '2025-11-25';

// docs/behaviour.md, "The MCP endpoint".
export const SESSION_REQUIRED_BODY =
  '{"jsonrpc":"2.0","id":null,"error":{"code":-32000,"message":"Bad Request: Mcp-Session-Id header is required"}}';

const mediaType = (res) => (res.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
const show = (res) => `${res.status} ${JSON.stringify(res.headers)} ${res.text.slice(0, 300)}`;

// Headers of a request inside a session (sid undefined: none).
export const sessionHeaders = (sid, extra = {}) => ({
  'MCP-Protocol-Version': PROTOCOL,
  ...(sid === undefined ? {} : { 'Mcp-Session-Id': sid }),
  ...extra,
});

// POST one JSON-RPC message with a token and, if given, a session id.
export const post = (url, message, { token, sid, headers = {} } = {}) =>
  rpc(url, message, { token, headers: sessionHeaders(sid, headers) });

// DELETE the endpoint with a token and, if given, a session id.
export const del = (url, { token, sid, headers = {} } = {}) => request(url, {
  method: 'DELETE',
  headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...sessionHeaders(sid, headers) },
});

// initialize without a session id: { res, sid } (sid undefined if none came).
export async function initialize(url, token, { id = 1 } = {}) {
  const res = await rpc(url, initializeMessage(id, PROTOCOL), { token });
  assert.equal(res.status, 200, `initialize: ${show(res)}`);
  assert.equal(res.json().result?.protocolVersion, PROTOCOL, `initialize: ${show(res)}`);
  const values = res.all('mcp-session-id');
  assert.ok(values.length <= 1, `more than one Mcp-Session-Id: ${JSON.stringify(values)}`);
  return { res, sid: values[0] };
}

// A new session: initialize, then notifications/initialized (202).
export async function openSession(url, token) {
  const { sid } = await initialize(url, token);
  assert.ok(sid, 'initialize returned no Mcp-Session-Id');
  const res = await post(url, { jsonrpc: '2.0', method: 'notifications/initialized' }, { token, sid });
  assert.equal(res.status, 202, `notifications/initialized: ${show(res)}`);
  assert.equal(res.text, '');
  return sid;
}

export const addMessage = (id, a, b) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'add', arguments: { a, b } } });

// tools/call add in a session: asserts 200 and the sum.
export async function add(url, { token, sid, a = 2, b = 3, id = 7 }) {
  const res = await post(url, addMessage(id, a, b), { token, sid });
  assertAdded(res, id, a + b);
  return res;
}

export function assertAdded(res, id, sum) {
  assert.equal(res.status, 200, `tools/call add: ${show(res)}`);
  const msg = res.json();
  assert.equal(msg.id, id, show(res));
  assert.deepEqual(msg.result?.structuredContent, { result: sum }, show(res));
  assert.deepEqual(msg.result?.content?.[0], { type: 'text', text: String(sum) }, show(res));
}

// 400 with the exact body of "any other message without Mcp-Session-Id".
export function assertSessionRequired(res) {
  assert.equal(res.status, 400, `status: ${show(res)}`);
  assert.equal(mediaType(res), 'application/json', `Content-Type: ${show(res)}`);
  assert.equal(res.text, SESSION_REQUIRED_BODY, `body: ${show(res)}`);
  assert.deepEqual(res.all('mcp-session-id'), [], `no Mcp-Session-Id: ${show(res)}`);
}

// 404, error -32001 "Session not found" (the id of a JSON-RPC error that
// answers no identifiable request, or the request's own id).
export function assertSessionNotFound(res, requestId = null) {
  assert.equal(res.status, 404, `status: ${show(res)}`);
  assert.equal(mediaType(res), 'application/json', `Content-Type: ${show(res)}`);
  const msg = JSON.parse(res.text);
  assert.deepEqual(Object.keys(msg).sort(), ['error', 'id', 'jsonrpc'], `members: ${show(res)}`);
  assert.equal(msg.jsonrpc, '2.0', show(res));
  assert.ok(msg.id === null || msg.id === requestId, `id: ${show(res)}`);
  assert.deepEqual(msg.error, { code: -32001, message: 'Session not found' }, `error: ${show(res)}`);
  assert.deepEqual(res.all('mcp-session-id'), [], `no Mcp-Session-Id: ${show(res)}`);
}

// DELETE that ended a session: 200, empty body.
export function assertDeleted(res) {
  assert.equal(res.status, 200, `DELETE: ${show(res)}`);
  assert.equal(res.text, '', `DELETE body: ${show(res)}`);
}

// Run task(i) for i in 0..n-1, `concurrency` at a time.  A task that throws
// (a connection-level failure) is recorded as { status: <error code> }.
export async function pool(n, concurrency, task) {
  const results = new Array(n);
  let next = 0;
  async function worker() {
    while (next < n) {
      const i = next++;
      try {
        results[i] = await task(i);
      } catch (err) {
        results[i] = { status: err.code || err.message, error: err };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return results;
}

// `n` tools/call add requests in one session, each on a new connection,
// `concurrency` at a time.  Each gets its own id and arguments; resolves
// with { results, wrong } where wrong lists the ones that were not a 200
// with the right sum.
export async function manyAdds(url, { token, sid, n = 100, concurrency = 8 }) {
  const results = await pool(n, concurrency, (i) => post(url, addMessage(1000 + i, i, 2 * i + 1), { token, sid }));
  const wrong = [];
  results.forEach((res, i) => {
    try {
      assertAdded(res, 1000 + i, 3 * i + 1);
    } catch (err) {
      wrong.push(`#${i}: ${typeof res.status === 'number' ? `${res.status} ${res.text?.slice(0, 120)}` : res.status}`);
    }
  });
  return { results, wrong };
}
