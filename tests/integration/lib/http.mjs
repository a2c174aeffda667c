// Raw HTTP requests with full control over headers (Host, repeated headers,
// odd Authorization values), for exact assertions on status, headers, body.
import http from 'node:http';

// headers: an object, or an array of [name, value] pairs (kept in order, repeats allowed).
export function request(url, { method = 'GET', headers = {}, body, timeoutMs = 20000 } = {}) {
  const u = new URL(url);
  const flat = [];
  for (const [k, v] of Array.isArray(headers) ? headers : Object.entries(headers)) flat.push(k, v);
  const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const has = (name) => flat.some((h, i) => i % 2 === 0 && h.toLowerCase() === name);
  if (!has('host')) flat.unshift('Host', u.host);
  if (payload !== undefined && !has('content-length')) flat.push('Content-Length', String(payload.length));
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: u.hostname,
      port: u.port,
      method,
      path: `${u.pathname}${u.search}`,
      headers: flat,
      setHost: false,
      agent: false,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const raw = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) raw.push([res.rawHeaders[i], res.rawHeaders[i + 1]]);
        resolve({
          status: res.statusCode,
          headers: res.headers,
          raw,
          // Every value of a header (case-insensitive name), in order.
          all: (name) => raw.filter(([k]) => k.toLowerCase() === name.toLowerCase()).map(([, v]) => v),
          text,
          json: () => JSON.parse(text),
          ms: performance.now() - started,
        });
      });
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`request timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

export const MCP_ACCEPT = 'application/json, text/event-stream';

// A JSON-RPC POST as MCP clients send it.
export function rpc(url, message, { token, headers = {}, raw } = {}) {
  const h = {
    'Content-Type': 'application/json',
    Accept: MCP_ACCEPT,
    ...(token ? { Authorization: `Bearer ${token}` } : {}),
    ...headers,
  };
  return request(url, { method: 'POST', headers: h, body: raw ?? JSON.stringify(message) });
}

export const initializeMessage = (id = 1, protocolVersion = '2025-11-25') => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: { protocolVersion, capabilities: {}, clientInfo: { name: 'mod_mcp_auth-integration-tests', version: '1.0.0' } },
});
