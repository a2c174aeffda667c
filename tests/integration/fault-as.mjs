// A small fake RFC 7662 introspection endpoint that exists only to inject
// faults into mod_mcp_auth.  Never a real authorization server.
//
// The behaviour comes from the token (the part before the first "."; the rest
// makes each token unique, so no verdict cache can hide a request), or from
// the request path /b/<behaviour>, which wins:
//
//   ok          active, iss = issuer, aud = the resource (resourceByPath[path],
//               else resource), sub alice, client_id
//               fault-client, scope "mcp:tools", token_type Bearer, exp in 5 min
//   inactive    {"active":false}          (also any unknown behaviour)
//   lie-iss     ok, but iss is another issuer
//   lie-aud     ok, but aud is another resource
//   lie-noaud   ok, without aud
//   lie-exp     ok, but exp is an hour ago
//   lie-nbf     ok, but nbf is an hour ahead
//   lie-dpop    ok, but token_type is "DPoP"
//   lie-scope   ok, but scope is "mcp:admin"
//   aud-array   ok, with aud = [another resource, resource]
//   hang        accepts the request and never answers
//   http500     HTTP 500 / http502: HTTP 502 (JSON error bodies)
//   badjson     HTTP 200 with a truncated JSON document
//   huge        HTTP 200 with a valid 10 MiB JSON document
//   activestr   HTTP 200 with "active":"true" (a string)
//   redirect    HTTP 302 to redirectTo (must never be followed)
//   drip        HTTP 200 with an `ok` document, but the whole answer (status
//               line, headers, body) one byte every dripMs (200 ms): a
//               server that is slow, not silent
//   slow        ok, answered after slowMs (300 ms)
//
// Issuer mode (for local JWT validation): `documents` maps GET paths to JSON
// documents it serves (its metadata, its JWK Set, ...), each either a value
// (200, application/json) or { status, body, contentType }, or a fault:
// { fault: 'hang' } (accept, never answer) or { fault: 'drip', body }
// (the answer one byte every dripMs).  With documents (even {}), a GET of
// any other path is 404; without, nothing changes.  The map can be replaced
// at any time (fault.documents = {...}).
//
// Every request is recorded (method, path, headers, raw body, parsed form)
// in `requests`, with `at` (when it arrived) and `closedAt` (when its
// connection closed; undefined while it is open).  As a program (node
// tests/integration/fault-as.mjs) it listens on FAULT_PORT with
// FAULT_RESOURCE / FAULT_REDIRECT and answers GET /_requests with that
// record.
import http from 'node:http';
import { pathToFileURL } from 'node:url';

const now = () => Math.floor(Date.now() / 1000);
const OTHER = 'http://127.0.0.1:9/not-this-resource';

function claims(kind, { issuer, resource }) {
  // resource: the resource this request is about (see resourceFor()).
  const base = {
    active: true,
    iss: issuer,
    aud: resource,
    sub: 'alice',
    client_id: 'fault-client',
    scope: 'mcp:tools',
    token_type: 'Bearer',
    iat: now() - 10,
    exp: now() + 300,
  };
  switch (kind) {
    case 'ok': return base;
    case 'lie-iss': return { ...base, iss: 'http://evil.example.com' };
    case 'lie-aud': return { ...base, aud: OTHER };
    case 'lie-noaud': { const { aud: _drop, ...rest } = base; return rest; }
    case 'lie-exp': return { ...base, iat: now() - 7200, exp: now() - 3600 };
    case 'lie-nbf': return { ...base, nbf: now() + 3600 };
    case 'lie-dpop': return { ...base, token_type: 'DPoP' };
    case 'lie-scope': return { ...base, scope: 'mcp:admin' };
    case 'aud-array': return { ...base, aud: [OTHER, resource] };
    default: return { active: false };
  }
}

// Write a whole HTTP answer to the socket one byte every `ms`, bypassing
// node's response object; stops when the peer closes the connection.
function drip(socket, status, contentType, text, ms) {
  const head = `HTTP/1.1 ${status} ${status === 200 ? 'OK' : 'Status'}\r\ncontent-type: ${contentType}\r\n`
    + `content-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n`;
  const bytes = Buffer.from(head + text);
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= bytes.length) {
      clearInterval(timer);
      if (!socket.destroyed) socket.end();
      return;
    }
    socket.write(bytes.subarray(i, i + 1));
    i += 1;
  }, ms);
  socket.once('close', () => clearInterval(timer));
}

export function behaviourOf(path, token) {
  const m = /^\/b\/([^/?]+)/.exec(path);
  if (m) return m[1];
  return String(token ?? '').split('.')[0];
}

// resourceByPath: { '/introspect/x': 'http://…/x/mcp' } for several protected
// Locations that share this fake AS; other paths get `resource`.
// dripMs: the pace of `drip` answers; slowMs: the delay of `slow` ones.
export async function startFaultAS({ host = '127.0.0.1', port = 0, resource, resourceByPath = {}, issuer, redirectTo, documents, dripMs = 200, slowMs = 300 } = {}) {
  const requests = [];
  const sockets = new Set();
  const state = { resource, resourceByPath, issuer, redirectTo, documents, dripMs, slowMs };
  // Record a request; closedAt is set when its connection closes.
  const bySocket = new WeakMap();       // socket -> its records
  const record = (req, rec) => {
    requests.push(rec);
    bySocket.get(req.socket)?.push(rec);
  };
  const stateFor = (pathname) => ({ ...state, resource: state.resourceByPath[pathname] ?? state.resource });

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url, 'http://fault.invalid');
      if (req.method === 'GET' && url.pathname === '/_requests') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(requests));
        return;
      }
      const form = Object.fromEntries(new URLSearchParams(body));
      if (req.method === 'GET' && state.documents && !url.pathname.startsWith('/b/')) {
        const doc = state.documents[url.pathname];
        const fault = doc && typeof doc === 'object' && typeof doc.fault === 'string' ? doc.fault : undefined;
        record(req, { method: req.method, path: url.pathname, query: url.search, headers: { ...req.headers }, body, form, kind: doc === undefined ? 'not-found' : (fault ? `document-${fault}` : 'document'), at: Date.now(), remotePort: req.socket.remotePort });
        if (fault === 'hang') return; // keep the connection open, answer never
        if (fault === 'drip') {
          const content = doc.body ?? {};
          drip(req.socket, doc.status ?? 200, doc.contentType ?? 'application/json', typeof content === 'string' ? content : JSON.stringify(content), state.dripMs);
          return;
        }
        const { status = 200, body: content, contentType = 'application/json' } = doc === undefined
          ? { status: 404, body: { error: 'not_found' } }
          : (doc && typeof doc === 'object' && 'body' in doc ? doc : { body: doc });
        const text = typeof content === 'string' ? content : JSON.stringify(content);
        res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
        res.end(text);
        return;
      }
      const kind = behaviourOf(url.pathname, form.token);
      record(req, { method: req.method, path: url.pathname, query: url.search, headers: { ...req.headers }, body, form, kind, at: Date.now(), remotePort: req.socket.remotePort });
      const json = (status, obj) => {
        const text = typeof obj === 'string' ? obj : JSON.stringify(obj);
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      };
      switch (kind) {
        case 'hang':
          return; // keep the connection open, answer never
        case 'http500':
          return json(500, { error: 'server_error' });
        case 'http502':
          return json(502, { error: 'bad_gateway' });
        case 'badjson':
          return json(200, '{"active": tru');
        case 'huge': {
          const pad = 'x'.repeat(10 * 1024 * 1024);
          return json(200, `{"active":true,"pad":"${pad}"}`);
        }
        case 'activestr':
          return json(200, { ...claims('ok', stateFor(url.pathname)), active: 'true' });
        case 'slow': {
          const answer = claims('ok', stateFor(url.pathname));
          setTimeout(() => { if (!res.destroyed) json(200, answer); }, state.slowMs);
          return;
        }
        case 'drip':
          return drip(req.socket, 200, 'application/json', JSON.stringify(claims('ok', stateFor(url.pathname))), state.dripMs);
        case 'redirect':
          res.writeHead(302, { location: state.redirectTo ?? 'http://127.0.0.1:9/', 'content-length': 0 });
          return res.end();
        default:
          return json(200, claims(kind, stateFor(url.pathname)));
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    bySocket.set(s, []);
    s.on('close', () => {
      sockets.delete(s);
      const at = Date.now();
      for (const rec of bySocket.get(s) ?? []) rec.closedAt = at;
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const url = `http://${host}:${server.address().port}`;
  if (!state.issuer) state.issuer = url;

  return {
    url,
    port: server.address().port,
    requests,
    get issuer() { return state.issuer; },
    set resource(v) { state.resource = v; },
    set resourceByPath(v) { state.resourceByPath = v; },
    set redirectTo(v) { state.redirectTo = v; },
    set documents(v) { state.documents = v; },
    set dripMs(v) { state.dripMs = v; },
    set slowMs(v) { state.slowMs = v; },
    get documents() { return state.documents; },
    // Recorded GETs of a path (documents mode).
    getsOf(p) { return requests.filter((r) => r.method === 'GET' && r.path === p); },
    reset() { requests.length = 0; },
    // Requests whose token (or path behaviour) is `token`.
    requestsFor(token) { return requests.filter((r) => r.form.token === token); },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
    stop() { return this.close(); },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const fault = await startFaultAS({
    port: Number(process.env.FAULT_PORT || 0),
    resource: process.env.FAULT_RESOURCE || 'http://127.0.0.1:3000/mcp',
    issuer: process.env.FAULT_ISSUER,
    redirectTo: process.env.FAULT_REDIRECT,
  });
  console.log(`[fault-as] listening on ${fault.url} (issuer ${fault.issuer})`);
  const stop = () => fault.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
