// Start and stop the development authorization server (dev/authserver.mjs)
// with its test clients, and get real tokens from it.
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { REPO, makeRunDir, freePort, track, stopChild, waitForPort } from './env.mjs';

export const RS_CLIENT_ID = 'mcp-rs';
export const RS_CLIENT_SECRET = 'dev-secret';
export const TEST_CLIENT_SECRET = 'test-cc-secret';

// resources: accepted resource indicators.  Resolves once it answers.
// tokenFormat: 'opaque' (default) or 'jwt' (TOKEN_FORMAT); jwtAlg: 'RS256'
// (default) or 'ES256' (AS_JWT_ALG); issuerPath: e.g. '/tenant1'
// (AS_ISSUER_PATH: the issuer and every endpoint live under that path).
export async function startAuthServer({ name = 'as', resources, port, shortTtl = 2, tokenFormat, jwtAlg, issuerPath, env = {} }) {
  port ??= await freePort();
  const run = makeRunDir(name);
  const logFile = path.join(run, 'as.log');
  const childEnv = {
    ...process.env,
    AS_HOST: '127.0.0.1',
    AS_PORT: String(port),
    MCP_RESOURCES: resources.join(' '),
    RS_SCOPES: 'mcp:tools mcp:admin',
    RS_CLIENT_ID,
    RS_CLIENT_SECRET,
    AS_TEST_CLIENTS: '1',
    AS_TEST_SHORT_TTL: String(shortTtl),
    // Never inherited from the environment of the test run.
    TOKEN_FORMAT: tokenFormat ?? 'opaque',
    AS_JWT_ALG: jwtAlg ?? 'RS256',
    AS_ISSUER_PATH: issuerPath ?? '',
    ...env,
  };
  // One process at a time; restart() replaces it (same port, same log file).
  let child;
  const spawnChild = () => {
    const out = openSync(logFile, 'a');
    child = spawn(process.execPath, [path.join(REPO, 'dev/authserver.mjs')], {
      cwd: REPO,
      stdio: ['ignore', out, out],
      env: childEnv,
    });
    closeSync(out);
    track(child.pid, `authserver ${name}`);
  };
  spawnChild();
  const origin = `http://127.0.0.1:${port}`;
  const issuer = `${origin}${childEnv.AS_ISSUER_PATH}`;
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  // Up once the metadata answers (the port opens a hair earlier).
  const ready = async () => {
    // node and oidc-provider take a second or two to start, much more on
    // a busy machine
    await waitForPort(port, { timeoutMs: 30000, alive: () => child.exitCode === null, what: `authserver ${name}` });
    const meta = await fetch(as.metadataUrl);
    if (meta.status !== 200) throw new Error(`authserver metadata answered ${meta.status}`);
  };
  const as = {
    issuer,
    origin,
    port,
    get pid() { return child.pid; },
    introspectionUrl: `${issuer}/token/introspection`,
    // RFC 8414 metadata, the well-known part inserted before the issuer's path.
    metadataUrl: `${origin}/.well-known/oauth-authorization-server${childEnv.AS_ISSUER_PATH}`,
    jwksUrl: `${issuer}/jwks`,
    tokenFormat: childEnv.TOKEN_FORMAT,
    logFile,
    log,
    // Lines of its request log ("[as] POST /token/introspection 200 3ms")
    // for a path and the paths under it.
    requestLines: (p) => log().split('\n').filter((l) => {
      const m = /^\[as\] [A-Z]+ (\S+) /.exec(l);
      return m && (m[1] === p || m[1].startsWith(`${p}/`));
    }),
    stop: () => stopChild(child, { name: `authserver ${name}` }),
    // Stop it and start it again on the same port: new signing keys (new
    // kids: a key rotation), every counter back to 0, no tokens or clients
    // but the static ones.
    async restart() {
      await stopChild(child, { name: `authserver ${name}` });
      spawnChild();
      await ready();
    },

    // Requests that reached the introspection endpoint, the JWKS and the
    // metadata documents, counted by the AS itself (GET /_test/counters):
    // { introspections, jwks, metadata, module: { the same, only requests
    // whose User-Agent is mod_mcp_auth's } }.  Back to 0 after restart().
    async counters() {
      const res = await fetch(`${issuer}/_test/counters`);
      if (res.status !== 200) throw new Error(`GET /_test/counters answered ${res.status}`);
      return res.json();
    },
    // Its public JWK Set, as served at jwks_uri.  This GET is counted like
    // any other: read it before taking a baseline of counters().
    async jwks() {
      const res = await fetch(as.jwksUrl);
      if (res.status !== 200) throw new Error(`GET ${as.jwksUrl} answered ${res.status}`);
      return res.json();
    },

    // How many requests reached the introspection endpoint, counted by the
    // AS itself (GET /_test/introspections, test clients only): { total },
    // and with a token also { token: N } for that token (only its SHA-256
    // is sent).
    async introspections(token) {
      const q = token ? `?sha256=${createHash('sha256').update(token).digest('hex')}` : '';
      const res = await fetch(`${issuer}/_test/introspections${q}`);
      if (res.status !== 200) throw new Error(`GET /_test/introspections answered ${res.status}`);
      return res.json();
    },
    // Introspections of one token so far.
    async introspectionsOf(token) {
      return (await this.introspections(token)).token;
    },

    // A real access token from the client_credentials grant.
    async token({ resource, scope = 'mcp:tools', client = 'test-cc' }) {
      const res = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${client}:${TEST_CLIENT_SECRET}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope }),
      });
      const body = await res.json();
      if (res.status !== 200 || !body.access_token) {
        throw new Error(`token request (${client}, ${resource}, ${scope}) failed: ${res.status} ${JSON.stringify(body)}`);
      }
      return { token: body.access_token, expiresIn: body.expires_in, scope: body.scope, obtainedAt: Date.now() };
    },

    async revoke(token, client = 'test-cc') {
      const res = await fetch(`${issuer}/token/revocation`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${client}:${TEST_CLIENT_SECRET}`).toString('base64')}`,
        },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }),
      });
      if (res.status !== 200) throw new Error(`revocation failed: ${res.status}`);
    },

    // What the AS itself says about a token (for sanity checks).
    async introspect(token) {
      const res = await fetch(`${issuer}/token/introspection`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${RS_CLIENT_ID}:${RS_CLIENT_SECRET}`).toString('base64')}`,
        },
        body: new URLSearchParams({ token }),
      });
      return res.json();
    },
  };
  try {
    await ready();
  } catch (err) {
    await as.stop();
    throw new Error(`${err.message}\n${log()}`);
  }
  return as;
}
