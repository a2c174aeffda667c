// Headless pieces for the official MCP TypeScript SDK client (1.32.x):
//
//   HeadlessOAuthProvider  an OAuthClientProvider that keeps everything in
//                          memory and completes the authorization redirect
//                          chain itself (fetch with redirect:'manual' and a
//                          cookie jar) instead of opening a browser
//   recordingFetch()       a fetch for the SDK transport that records every
//                          HTTP request (method, URL, status, WWW-Authenticate,
//                          JSON-RPC method) without tokens, codes or secrets
//
// Nothing listens on the redirect URL: the code is taken from the Location
// header that points at it.
import { randomUUID } from 'node:crypto';

export class HeadlessOAuthProvider {
  constructor({ redirectUrl, clientMetadata, log = () => {} }) {
    this._redirectUrl = String(redirectUrl);
    this._clientMetadata = clientMetadata;
    this._log = log;
    this._code = undefined;
    this.authorizationUrls = []; // every authorization request the SDK built
  }

  get redirectUrl() { return this._redirectUrl; }
  get clientMetadata() { return this._clientMetadata; }
  state() { this._state = randomUUID(); return this._state; }
  clientInformation() { return this._client; }
  saveClientInformation(info) { this._client = info; }
  tokens() { return this._tokens; }
  saveTokens(tokens) { this._tokens = tokens; }
  saveCodeVerifier(verifier) { this._verifier = verifier; }
  codeVerifier() {
    if (!this._verifier) throw new Error('no PKCE code verifier saved');
    return this._verifier;
  }
  saveDiscoveryState(state) { this._discovery = state; }
  discoveryState() { return this._discovery; }
  invalidateCredentials(scope) {
    if (scope === 'all' || scope === 'client') this._client = undefined;
    if (scope === 'all' || scope === 'tokens') this._tokens = undefined;
    if (scope === 'all' || scope === 'verifier') this._verifier = undefined;
    if (scope === 'all' || scope === 'discovery') this._discovery = undefined;
  }

  async redirectToAuthorization(authorizationUrl) {
    const url = new URL(authorizationUrl);
    this.authorizationUrls.push(url);
    this._code = await followAuthorization(url, { redirectUrl: this._redirectUrl, state: this._state, log: this._log });
  }

  // The authorization code captured by the last redirectToAuthorization().
  takeCode() {
    const code = this._code;
    this._code = undefined;
    if (!code) throw new Error('no authorization code was captured');
    return code;
  }
}

// Minimal cookie jar: one host in practice, path and expiry ignored.
class CookieJar {
  constructor() { this.cookies = new Map(); }
  header() { return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '); }
  store(res) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const gone = value === '' || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a));
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

// Follow an authorization request like a browser would, up to the redirect
// URL; return the authorization code.  The AS must approve without a form
// (dev/authserver.mjs does).
export async function followAuthorization(start, { redirectUrl, state, log = () => {}, maxSteps = 20 }) {
  const jar = new CookieJar();
  const callback = new URL(redirectUrl);
  let url = new URL(start);
  for (let step = 0; step < maxSteps; step++) {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.store(res);
    await res.body?.cancel();
    log(`authorization: GET ${url.origin}${url.pathname} -> ${res.status}`);
    const location = res.headers.get('location');
    if (res.status < 300 || res.status > 399 || !location) {
      throw new Error(`authorization stopped at ${url.origin}${url.pathname} with HTTP ${res.status}`);
    }
    const next = new URL(location, url);
    if (next.origin === callback.origin && next.pathname === callback.pathname) {
      const p = next.searchParams;
      if (p.get('error')) throw new Error(`authorization error: ${p.get('error')} ${p.get('error_description') ?? ''}`.trim());
      if (state !== undefined && p.get('state') !== state) throw new Error('authorization response: state mismatch');
      if (!p.get('code')) throw new Error('authorization response without a code');
      return p.get('code');
    }
    url = next;
  }
  throw new Error('authorization: too many redirects');
}

// What a JSON-RPC body or a token request form says, without any secret.
function describeBody(body) {
  if (typeof body === 'string' && body.startsWith('{')) {
    try {
      const msg = JSON.parse(body);
      if (msg.method) return { rpc: msg.method, tool: msg.params?.name };
      return { json: true };
    } catch { return {}; }
  }
  if (body instanceof URLSearchParams) {
    return { grant_type: body.get('grant_type') ?? undefined, resource: body.get('resource') ?? undefined };
  }
  return {};
}

// A fetch that records each request in `records` and reports it with log().
export function recordingFetch(records, log = () => {}) {
  return async (input, init = {}) => {
    const request = input instanceof Request ? input : undefined;
    const url = new URL(request ? request.url : String(input));
    const method = init.method ?? request?.method ?? 'GET';
    const headers = new Headers(init.headers ?? request?.headers);
    const rec = {
      n: records.length + 1,
      method,
      url: `${url.origin}${url.pathname}`,
      authorization: headers.has('authorization') ? headers.get('authorization').split(' ')[0] : undefined,
      ...describeBody(init.body),
    };
    records.push(rec);
    let res;
    try {
      res = await fetch(input, init);
    } catch (err) {
      rec.error = err.cause?.code ?? err.message;
      log(`#${rec.n} ${method} ${rec.url} -> ${rec.error}`);
      throw err;
    }
    rec.status = res.status;
    rec.wwwAuthenticate = res.headers.get('www-authenticate') ?? undefined;
    const what = [rec.rpc && `rpc=${rec.rpc}${rec.tool ? `(${rec.tool})` : ''}`, rec.grant_type && `grant_type=${rec.grant_type}`,
      rec.authorization && `[Authorization: ${rec.authorization} …]`].filter(Boolean).join(' ');
    log(`#${rec.n} ${method} ${rec.url}${what ? ` ${what}` : ''} -> ${res.status}${rec.wwwAuthenticate ? `  WWW-Authenticate: ${rec.wwwAuthenticate}` : ''}`);
    return res;
  };
}
