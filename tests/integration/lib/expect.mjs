// The exact answers the module's contract promises, and assertions on them.
import assert from 'node:assert/strict';

// RFC 9728 §3.1: the well-known path goes between the origin and the path.
export function prmUrl(resource) {
  const u = new URL(resource);
  return `${u.origin}/.well-known/oauth-protected-resource${u.pathname === '/' ? '' : u.pathname}`;
}

export const DESC = {
  inactive: 'the access token is not active',
  audience: 'the access token was not issued for this resource',
  issuer: 'the access token was issued by an unexpected issuer',
  expired: 'the access token expired',
  notYet: 'the access token is not valid yet',
  type: 'the access token type is not Bearer',
  tooLong: 'the access token is too long',
  scope: 'the access token lacks a required scope',
  queryToken: 'access tokens are accepted only in the Authorization header',
  malformed: 'malformed Authorization header',
  // Local JWT validation (RFC 9068).
  tokenMalformed: 'the access token is malformed',
  signature: 'the access token signature is not valid',
  notJwtAccessToken: 'the access token is not a JWT access token',
  noExpiry: 'the access token has no expiry',
};

export const challenge = {
  noToken: (resource, scope = 'mcp:tools') => `Bearer resource_metadata="${prmUrl(resource)}", scope="${scope}"`,
  invalidToken: (resource, desc, scope = 'mcp:tools') =>
    `Bearer error="invalid_token", error_description="${desc}", resource_metadata="${prmUrl(resource)}", scope="${scope}"`,
  insufficientScope: (resource, scope = 'mcp:tools') =>
    `Bearer error="insufficient_scope", error_description="${DESC.scope}", resource_metadata="${prmUrl(resource)}", scope="${scope}"`,
  invalidRequest: (resource, desc) =>
    `Bearer error="invalid_request", error_description="${desc}", resource_metadata="${prmUrl(resource)}"`,
};

export const BODY = {
  noToken: '{"error":"unauthorized","error_description":"a bearer token is required"}',
  unavailable: '{"error":"temporarily_unavailable","error_description":"the authorization server is unavailable"}',
  error: (error, desc) => JSON.stringify({ error, error_description: desc }),
};

function mediaType(res) {
  return (res.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

// One exact WWW-Authenticate header, exact status, exact JSON body.
export function assertChallenge(res, { status, www, body }) {
  const ctx = `${res.status} ${JSON.stringify(res.all('www-authenticate'))} ${res.text.slice(0, 300)}`;
  assert.equal(res.status, status, `status: ${ctx}`);
  assert.deepEqual(res.all('www-authenticate'), [www], `WWW-Authenticate: ${ctx}`);
  assert.equal(mediaType(res), 'application/json', `Content-Type: ${res.headers['content-type']}`);
  assert.equal(res.text, body, `body: ${ctx}`);
}

export const assertNoToken = (res, resource, scope = 'mcp:tools') =>
  assertChallenge(res, { status: 401, www: challenge.noToken(resource, scope), body: BODY.noToken });

export const assertInvalidToken = (res, resource, desc, scope = 'mcp:tools') =>
  assertChallenge(res, { status: 401, www: challenge.invalidToken(resource, desc, scope), body: BODY.error('invalid_token', desc) });

export const assertInsufficientScope = (res, resource, scope = 'mcp:tools') =>
  assertChallenge(res, { status: 403, www: challenge.insufficientScope(resource, scope), body: BODY.error('insufficient_scope', DESC.scope) });

export const assertInvalidRequest = (res, resource, desc) =>
  assertChallenge(res, { status: 400, www: challenge.invalidRequest(resource, desc), body: BODY.error('invalid_request', desc) });

// 503: Retry-After: 5, no WWW-Authenticate, the fixed body.
export function assertUnavailable(res) {
  const ctx = `${res.status} ${JSON.stringify(res.raw)} ${res.text.slice(0, 300)}`;
  assert.equal(res.status, 503, `status: ${ctx}`);
  assert.deepEqual(res.all('retry-after'), ['5'], `Retry-After: ${ctx}`);
  assert.deepEqual(res.all('www-authenticate'), [], `no WWW-Authenticate: ${ctx}`);
  assert.equal(mediaType(res), 'application/json', `Content-Type: ${res.headers['content-type']}`);
  assert.equal(res.text, BODY.unavailable, `body: ${ctx}`);
}

// 200 from the MCP endpoint for an initialize request.
export function assertInitialized(res) {
  const ctx = `${res.status} ${JSON.stringify(res.all('www-authenticate'))} ${res.text.slice(0, 300)}`;
  assert.equal(res.status, 200, `status: ${ctx}`);
  const msg = JSON.parse(res.text);
  assert.equal(msg.jsonrpc, '2.0', ctx);
  assert.ok(msg.result?.protocolVersion, `initialize result: ${ctx}`);
}
