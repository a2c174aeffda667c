// Many authenticated MCP requests at once, for the verdict cache tests:
// over new connections or small keep-alive batches, several in parallel.
// A request that fails at the connection level (reset, hang-up, timeout) is
// recorded as such and never retried.
import http from 'node:http';
import { sleep } from './env.mjs';
import { MCP_ACCEPT, initializeMessage } from './http.mjs';

const INIT = JSON.stringify(initializeMessage());

// One initialize POST with a bearer token.  agent: false for a new
// connection, or a keep-alive http.Agent.  Never rejects: connection-level
// failures resolve as { status: 'ECONNRESET' } (the error code) and so on.
export function post(url, token, { agent = false, timeoutMs = 20000 } = {}) {
  const u = new URL(url);
  return new Promise((resolve) => {
    const req = http.request({
      host: u.hostname,
      port: u.port,
      method: 'POST',
      path: `${u.pathname}${u.search}`,
      agent,
      headers: {
        'Content-Type': 'application/json',
        Accept: MCP_ACCEPT,
        Authorization: `Bearer ${token}`,
        'Content-Length': Buffer.byteLength(INIT),
      },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({
        status: res.statusCode,
        headers: res.headers,
        text: Buffer.concat(chunks).toString('utf8'),
        reused: req.reusedSocket,
      }));
      res.on('error', (err) => resolve({ status: err.code || err.message }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (err) => resolve({ status: err.code || err.message }));
    req.end(INIT);
  });
}

// { status: count } of a list of results, e.g. { 200: 198, ECONNRESET: 2 }.
export function tally(results) {
  const out = {};
  for (const r of results) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
}

// `total` requests (or, with `durationMs`, as many as fit in that time) by
// `concurrency` workers.  keepAlive: 0 for a new connection per request; n
// for batches of n requests on one keep-alive connection, then a new one.
// mixed: true gives even workers new connections and odd workers keep-alive
// batches.  Resolves with every result, in completion order.
export async function load(url, token, { total = Infinity, durationMs, concurrency = 8, keepAlive = 0, mixed = false } = {}) {
  if (total === Infinity && !durationMs) throw new Error('load: total or durationMs');
  const results = [];
  const end = durationMs ? Date.now() + durationMs : Infinity;
  let issued = 0;
  const more = () => issued < total && Date.now() < end;
  async function worker(i) {
    const batch = mixed ? (i % 2 ? keepAlive || 5 : 0) : keepAlive;
    while (more()) {
      if (batch > 0) {
        const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
        try {
          for (let k = 0; k < batch && more(); k++) {
            issued++;
            results.push(await post(url, token, { agent }));
          }
        } finally {
          agent.destroy();
        }
      } else {
        issued++;
        results.push(await post(url, token));
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, (_, i) => worker(i)));
  return results;
}

// `n` requests started at the same moment, each on its own connection.
export async function burst(url, token, n) {
  return Promise.all(Array.from({ length: n }, () => post(url, token)));
}

// Sequential requests.
export async function sequential(url, token, n) {
  const results = [];
  for (let i = 0; i < n; i++) results.push(await post(url, token));
  return results;
}

// Poll fn() until it returns a truthy value or timeoutMs passes.
export async function until(fn, { timeoutMs = 5000, everyMs = 50 } = {}) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v || Date.now() >= end) return v;
    await sleep(everyMs);
  }
}
