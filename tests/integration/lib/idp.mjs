// Identity provider fixtures on loopback: Keycloak, Microsoft Entra ID, Auth0
// and Okta as the module sees them (their metadata documents at their
// well-known URLs, their JWK Sets, their introspection endpoints, and access
// tokens shaped as they issue them), from the committed fixtures in
// tests/data/idp/ (made by tests/data/idp/make-idp-fixtures.mjs, with
// TEST-ONLY keys).  Nothing here is a real provider: only the shapes are.
//
//   const kc = await startIdp('keycloak', { resource: 'http://127.0.0.1:3000' });
//   kc.issuer                  http://127.0.0.1:<port>/realms/master
//   kc.sign({ variant: 'tutorial' })          a token, signed now, for kc.resource
//   kc.sign({ claims: { aud: 'x', sid: null }, header: { typ: 'dpop+jwt' } })
//   sign('keycloak', {...})    the same with the last started server of a provider
//   kc.requestsTo('jwks')      what the module fetched ('metadata', 'jwks',
//                              'introspection', 'not-found')
//   await kc.stop();
//
// Each provider runs on its own origin (a free port on 127.0.0.1) with its
// issuer path: Keycloak /realms/master, Entra ID /<tenant>/v2.0, Auth0 / (the
// issuer has a trailing slash), Okta /oauth2/default.  Introspection
// (Keycloak, Okta) checks client_secret_basic and answers, for tokens that
// sign() made and that are neither expired nor revoked, in the provider's
// shape; for anything else {"active":false}.  Every request is recorded
// (never a token: its SHA-256 only) and logged to <run dir>/idp.log.
import http from 'node:http';
import { createPrivateKey, createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO, makeRunDir } from './env.mjs';
import { b64u, signature, decode } from './jwt.mjs';

export const IDP_DATA = path.join(REPO, 'tests/data/idp');
export const PROVIDERS = ['keycloak', 'entra', 'auth0', 'okta'];

const KEY_FILE = 'signing-key.TEST-ONLY.jwk.json';
const TIME_CLAIMS = ['iat', 'nbf', 'exp', 'auth_time'];
const ID_CLAIMS = ['jti', 'uti'];   // unique per token at the providers

// A new value of the same shape: the prefix up to the last ':' or '.' kept,
// a UUID for a UUID, random base64url characters of the same length otherwise.
function freshId(value) {
  const m = /^(.*[:.])?(.*)$/.exec(value);
  const prefix = m[1] ?? '';
  const rest = m[2];
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(rest)) return `${prefix}${randomUUID()}`;
  return `${prefix}${randomBytes(rest.length).toString('base64url').slice(0, rest.length)}`;
}
const sha256 = (s) => createHash('sha256').update(s).digest('hex');
const now = () => Math.floor(Date.now() / 1000);
const readJson = (provider, file) => JSON.parse(readFileSync(path.join(IDP_DATA, provider, file), 'utf8'));

// The committed fixture of a provider: { provider, jwks, discovery, tokens,
// introspection, key: { kid, alg, privateKey } }.
export function loadFixture(provider) {
  if (!PROVIDERS.includes(provider)) throw new Error(`no identity provider fixture "${provider}"`);
  const jwk = readJson(provider, KEY_FILE);
  let introspection = null;
  try { introspection = readJson(provider, 'introspection.json'); } catch { /* none */ }
  return {
    name: provider,
    provider: readJson(provider, 'provider.json'),
    jwks: readJson(provider, 'jwks.json'),
    discovery: readJson(provider, 'discovery.json'),
    tokens: readJson(provider, 'tokens.json'),
    introspection,
    key: { kid: jwk.kid, alg: jwk.alg, privateKey: createPrivateKey({ key: jwk, format: 'jwk' }) },
  };
}

// Fill {{name}} placeholders of strings, recursively.  A string that is
// exactly one placeholder of vars.claims ("{{claims.x}}") becomes that value
// (any type); a missing claim drops the member.
const DROP = Symbol('drop');
function render(value, vars) {
  if (typeof value === 'string') {
    const whole = /^\{\{claims\.([\w-]+)(\|join)?\}\}$/.exec(value);
    if (whole) {
      const v = vars.claims?.[whole[1]];
      if (v === undefined) return DROP;
      return whole[2] && Array.isArray(v) ? v.join(' ') : v;
    }
    return value.replace(/\{\{(\w+)\}\}/g, (m, name) => {
      if (vars[name] === undefined) throw new Error(`fixture placeholder ${m} has no value`);
      return vars[name];
    });
  }
  if (Array.isArray(value)) return value.map((v) => render(v, vars)).filter((v) => v !== DROP);
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === '...claims') { Object.assign(out, vars.claims); continue; }
      const r = render(v, vars);
      if (r !== DROP) out[k] = r;
    }
    return out;
  }
  return value;
}

// Merge overrides over an object; null deletes a member.
function merged(base, overrides = {}) {
  const out = { ...base };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

const running = new Map();   // provider -> the last started server

// Start the fixture server of a provider on a free port.  resource: the
// default audience of sign() ({{resource}}); introspectionClient: { id,
// secret } (default: the provider's client id and a random secret).
export async function startIdp(provider, { name = `idp-${provider}`, resource, introspectionClient } = {}) {
  const fx = loadFixture(provider);
  const p = fx.provider;
  const run = makeRunDir(name);
  const logFile = path.join(run, 'idp.log');
  writeFileSync(logFile, '');
  const requests = [];
  const minted = new Map();    // sha256(token) -> claims
  const revoked = new Set();   // sha256(token)
  const sockets = new Set();
  const client = p.introspectionPath ? {
    id: introspectionClient?.id ?? p.constants.introspectionClientId,
    secret: introspectionClient?.secret ?? `idp-${provider}-secret-${randomBytes(12).toString('base64url')}`,
  } : null;

  const documents = new Map();  // path -> { kind, text }
  const idp = {
    provider,
    fixture: fx,
    name: p.name,
    page: p.page,
    constants: p.constants,
    resource,
    requests,
    logFile,
    introspectionClient: client,
  };

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url, 'http://idp.invalid');
      const record = { method: req.method, path: url.pathname, userAgent: req.headers['user-agent'] ?? '', at: Date.now() };
      const send = (status, body, kind, type = 'application/json') => {
        const text = typeof body === 'string' ? body : JSON.stringify(body);
        res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
        res.end(text);
        Object.assign(record, { status, kind });
        requests.push(record);
        appendFileSync(logFile, `[idp ${provider}] ${req.method} ${url.pathname} ${status} ${kind}${record.auth ? ` auth=${record.auth}` : ''}${record.answer ? ` ${record.answer}` : ''}\n`);
      };
      const doc = documents.get(url.pathname);
      if (doc && (req.method === 'GET' || req.method === 'HEAD')) return send(200, doc.text, doc.kind);
      if (client && url.pathname === idp.introspectionPath) {
        if (req.method !== 'POST') return send(405, { error: 'invalid_request' }, 'introspection');
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        record.auth = basicAuthOf(req.headers.authorization, client);
        const token = form.get('token') ?? '';
        record.tokenSha256 = sha256(token);
        record.tokenTypeHint = form.get('token_type_hint');
        if (record.auth !== 'ok') {
          const bad = fx.introspection.badClient;
          return send(bad.status, bad.body, 'introspection');
        }
        const claims = minted.get(record.tokenSha256);
        const live = claims && !revoked.has(record.tokenSha256) && !(typeof claims.exp === 'number' && claims.exp <= now());
        record.answer = live ? 'active' : 'inactive';
        return send(200, live ? render(fx.introspection.active, { ...vars, claims }) : fx.introspection.inactive, 'introspection');
      }
      return send(404, { error: 'not_found' }, 'not-found');
    });
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });

  const port = server.address().port;
  const origin = `http://127.0.0.1:${port}`;
  const issuerPath = p.issuerPath === '/' ? '' : p.issuerPath;
  const vars = { origin, issuerPath, issuer: `${origin}${p.issuerPath}` };
  const at = (tpl) => render(tpl, vars);
  for (const [where, which] of Object.entries(p.wellKnown)) {
    documents.set(at(where), { kind: 'metadata', which, text: JSON.stringify(at(fx.discovery[which])) });
  }
  documents.set(at(p.jwksPath), { kind: 'jwks', text: JSON.stringify(at(fx.jwks)) });

  Object.assign(idp, {
    port,
    origin,
    issuer: vars.issuer,
    jwksUrl: `${origin}${at(p.jwksPath)}`,
    introspectionPath: p.introspectionPath ? at(p.introspectionPath) : null,
    introspectionUrl: p.introspectionPath ? `${origin}${at(p.introspectionPath)}` : null,
    // The well-known URLs this provider serves, and the exact text served.
    metadataUrls: [...documents].filter(([, d]) => d.kind === 'metadata').map(([u]) => `${origin}${u}`),
    documentText(urlOrPath) {
      const d = documents.get(urlOrPath.startsWith('http') ? new URL(urlOrPath).pathname : urlOrPath);
      if (!d) throw new Error(`${provider} serves no document at ${urlOrPath}`);
      return d.text;
    },
    // The text of a metadata document by name ('openid-configuration', 'oauth-authorization-server').
    metadataText(which) {
      const d = [...documents.values()].find((x) => x.which === which);
      if (!d) throw new Error(`${provider} serves no ${which} document`);
      return d.text;
    },
    // Recorded requests of a kind ('metadata', 'jwks', 'introspection',
    // 'not-found'), or with a path.
    requestsTo(kindOrPath) {
      return requests.filter((r) => r.kind === kindOrPath || r.path === kindOrPath);
    },
    // Introspection requests about one token.
    introspectionsOf(token) {
      const h = sha256(token);
      return requests.filter((r) => r.kind === 'introspection' && r.tokenSha256 === h);
    },
    reset() { requests.length = 0; },

    // A token shaped as the provider issues it, signed now with the fixture
    // key.  variant: a name of tokens.json (default: its "default");
    // resource: the {{resource}} of the template (default: idp.resource);
    // claims / header: merged over the template's (null deletes; a changed
    // header is re-serialized as compact JSON, the template's raw header
    // text is kept otherwise); lifetime: exp - iat in seconds (default: the
    // template's, i.e. the provider's); key: { kid, alg, privateKey } to sign
    // with instead (the header's kid stays unless given); unique: false keeps
    // the template's jti / uti (by default each token gets a new one, as at
    // the providers).
    sign({ variant, resource: aud = idp.resource, claims = {}, header, lifetime, key = fx.key, unique = true } = {}) {
      const name = variant ?? fx.tokens.default;
      const tpl = fx.tokens.variants[name];
      if (!tpl) throw new Error(`${provider} has no token variant "${name}"`);
      if (aud === undefined) throw new Error('sign(): no resource for {{resource}}');
      const c = render(tpl.claims, { ...vars, resource: aud });
      const shift = now() - 2 - (typeof c.iat === 'number' ? c.iat : now());
      for (const k of TIME_CLAIMS) if (typeof c[k] === 'number') c[k] += shift;
      if (lifetime !== undefined) c.exp = c.iat + lifetime;
      if (unique) for (const k of ID_CLAIMS) if (typeof c[k] === 'string') c[k] = freshId(c[k]);
      const payload = merged(c, claims);
      const headerText = header === undefined && tpl.headerRaw
        ? tpl.headerRaw
        : JSON.stringify(merged(tpl.headerRaw ? JSON.parse(tpl.headerRaw) : tpl.header, header));
      const alg = JSON.parse(headerText).alg ?? key.alg;
      const input = `${b64u(headerText)}.${b64u(JSON.stringify(payload))}`;
      const token = `${input}.${signature(alg, input, key.privateKey).toString('base64url')}`;
      minted.set(sha256(token), payload);
      return token;
    },
    // The introspection endpoint says {"active":false} about it from now on.
    revoke(token) { revoked.add(sha256(token)); },
    decode,

    async stop() {
      if (running.get(provider) === idp) running.delete(provider);
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(() => resolve()));
    },
    logFiles: () => [logFile],
  });
  running.set(provider, idp);
  return idp;
}

// RFC 6749 2.3.1: id and secret are form-encoded, then joined by ":".
function basicAuthOf(header, client) {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return 'missing';
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const i = text.indexOf(':');
  if (i < 0) return 'bad';
  const dec = (s) => { try { return decodeURIComponent(s.replace(/\+/g, ' ')); } catch { return null; } };
  return dec(text.slice(0, i)) === client.id && dec(text.slice(i + 1)) === client.secret ? 'ok' : 'bad';
}

// A token of the last started server of `provider` (see idp.sign()).
export function sign(provider, overrides) {
  const idp = running.get(provider);
  if (!idp) throw new Error(`no ${provider} fixture server is running`);
  return idp.sign(overrides);
}

// ---- the httpd.conf blocks of docs/idp/*.md --------------------------------
// Each tested block is a fenced block whose info string is "apache <name>";
// docBlock() returns its text with the documentation's placeholders replaced
// (subs: [[from, to], ...], applied in order, every occurrence), and fails
// when a placeholder is left: the test configures Apache exactly as the page
// says, on loopback.
export function docBlock(page, name, subs = []) {
  const text = readFileSync(path.join(REPO, page), 'utf8');
  const blocks = [...text.matchAll(/^```apache[ \t]+([\w-]+)[ \t]*\n([\s\S]*?)^```[ \t]*$/gm)];
  const found = blocks.filter((m) => m[1] === name);
  if (found.length !== 1) throw new Error(`${page}: ${found.length} blocks "apache ${name}" (want 1)`);
  let conf = found[0][2];
  for (const [from, to] of subs) conf = conf.split(from).join(to);
  const left = /<[a-z][\w-]*>|example\.com|example\.(?:us\.auth0|okta)\.com|localhost|login\.microsoftonline\.com|auth0\.com|okta\.com/i.exec(conf.replace(/<\/?(Location|VirtualHost|RequireAll|RequireAny)\b[^>]*>/g, ''));
  if (left) throw new Error(`${page}, block ${name}: placeholder "${left[0]}" left after substitution:\n${conf}`);
  return conf;
}

// Insert lines before the closing </Location> of a block.
export function withLines(block, lines) {
  const i = block.lastIndexOf('</Location>');
  if (i < 0) throw new Error('block has no </Location>');
  return `${block.slice(0, i)}${lines.trim().split('\n').map((l) => `    ${l.trim()}`).join('\n')}\n${block.slice(i)}`;
}
