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
export async function startAuthServer({ name = 'as', resources, port, shortTtl = 2, env = {} }) {
  port ??= await freePort();
  const run = makeRunDir(name);
  const logFile = path.join(run, 'as.log');
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [path.join(REPO, 'dev/authserver.mjs')], {
    cwd: REPO,
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      AS_HOST: '127.0.0.1',
      AS_PORT: String(port),
      MCP_RESOURCES: resources.join(' '),
      RS_SCOPES: 'mcp:tools mcp:admin',
      RS_CLIENT_ID,
      RS_CLIENT_SECRET,
      AS_TEST_CLIENTS: '1',
      AS_TEST_SHORT_TTL: String(shortTtl),
      ...env,
    },
  });
  closeSync(out);
  track(child.pid, `authserver ${name}`);
  const issuer = `http://127.0.0.1:${port}`;
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  const as = {
    issuer,
    port,
    pid: child.pid,
    introspectionUrl: `${issuer}/token/introspection`,
    logFile,
    log,
    // Lines of its request log ("[as] POST /token/introspection 200 3ms")
    // for a path and the paths under it.
    requestLines: (p) => log().split('\n').filter((l) => {
      const m = /^\[as\] [A-Z]+ (\S+) /.exec(l);
      return m && (m[1] === p || m[1].startsWith(`${p}/`));
    }),
    stop: () => stopChild(child, { name: `authserver ${name}` }),

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
    await waitForPort(port, { alive: () => child.exitCode === null, what: `authserver ${name}` });
    // The port opens before oidc-provider answers metadata requests only by a hair; ask once.
    const meta = await fetch(`${issuer}/.well-known/oauth-authorization-server`);
    if (meta.status !== 200) throw new Error(`authserver metadata answered ${meta.status}`);
  } catch (err) {
    await as.stop();
    throw new Error(`${err.message}\n${log()}`);
  }
  return as;
}
