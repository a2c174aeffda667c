// JWS compact tokens made in the tests with node:crypto: forged access tokens
// for the attack corpus, tokens of a fake issuer (the fault AS in issuer
// mode, which serves our own JWK Set), and the documents such an issuer
// serves.  Nothing here verifies anything: that is the module's job.
import { generateKeyPairSync, createHmac, sign as cryptoSign, constants, randomBytes } from 'node:crypto';

export const b64u = (value) => Buffer.from(typeof value === 'string' || Buffer.isBuffer(value) ? value : JSON.stringify(value)).toString('base64url');

// { header, payload, parts } of a compact JWS (no verification).
export function decode(token) {
  const parts = token.split('.');
  const json = (s) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  return { header: json(parts[0]), payload: json(parts[1]), parts };
}

const now = () => Math.floor(Date.now() / 1000);

// A key pair of our own: { alg, kid, privateKey, publicKey, jwk } (jwk: the
// public JWK with kid, alg and use "sig").  alg: RS256, PS256, ES256, EdDSA.
export function newKey(alg = 'RS256', kid = `test-${randomBytes(6).toString('hex')}`) {
  const pair = alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : alg === 'EdDSA' ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...pair.publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
  return { alg, kid, privateKey: pair.privateKey, publicKey: pair.publicKey, jwk };
}

// The signature of `input` (a string) with `alg`.  key: a KeyObject for the
// asymmetric algorithms, a Buffer or string (the HMAC secret) for HS*.
export function signature(alg, input, key) {
  const data = Buffer.from(input);
  switch (alg) {
    case 'RS256': return cryptoSign('sha256', data, key);
    case 'RS384': return cryptoSign('sha384', data, key);
    case 'RS512': return cryptoSign('sha512', data, key);
    case 'PS256': return cryptoSign('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    case 'ES256': return cryptoSign('sha256', data, { key, dsaEncoding: 'ieee-p1363' });
    case 'EdDSA': return cryptoSign(null, data, key);
    case 'HS256': return createHmac('sha256', key).update(data).digest();
    case 'HS384': return createHmac('sha384', key).update(data).digest();
    case 'HS512': return createHmac('sha512', key).update(data).digest();
    default: throw new Error(`signature: no algorithm ${alg}`);
  }
}

// A compact JWS of header and payload (objects, or strings taken as the raw
// JSON text), signed with `key` (see signature()) under header.alg.
// signWith overrides the algorithm actually used (e.g. sign RS256 while
// the header says something else).  Without key: an empty signature.
export function jws(header, payload, key, { signWith } = {}) {
  const input = `${b64u(header)}.${b64u(payload)}`;
  if (key === undefined) return `${input}.`;
  return `${input}.${signature(signWith ?? header.alg, input, key).toString('base64url')}`;
}

// An RFC 9068 access token signed with one of our keys ({ alg, kid,
// privateKey } from newKey()).  claims are merged over a valid set for
// issuer/resource (null deletes a claim); header over { typ, alg, kid }.
export function accessToken(key, { issuer, resource, scope = 'mcp:tools', ttl = 300, claims = {}, header = {} }) {
  const t = now();
  const payload = {
    iss: issuer,
    sub: 'jwt-test-user',
    aud: resource,
    client_id: 'jwt-test-client',
    scope,
    iat: t - 5,
    exp: t + ttl,
    jti: randomBytes(12).toString('base64url'),
  };
  for (const [k, v] of Object.entries(claims)) {
    if (v === null) delete payload[k];
    else payload[k] = v;
  }
  const h = { typ: 'at+jwt', alg: key.alg, kid: key.kid, ...header };
  for (const [k, v] of Object.entries(header)) if (v === null) delete h[k];
  return jws(h, payload, key.privateKey);
}

// Replace the payload of a real token, keeping its header and signature.
export function withPayload(token, payload) {
  const [h, , s] = token.split('.');
  return `${h}.${b64u(payload)}.${s}`;
}

// The documents of an issuer at `origin` (the fault AS in issuer mode), for
// startFaultAS({ documents }) : the RFC 8414 metadata (well-known part
// inserted before the issuer's path) and/or the OpenID Connect Discovery one
// (appended to the issuer), and the JWK Set at <issuer>/jwks.
//   path:       the issuer's path ('' or e.g. '/tenant1')
//   claimed:    the "issuer" the documents say (default: the real one)
//   keys:       public JWKs to publish
//   rfc8414, oidc: which metadata documents to serve (both by default)
export function issuerDocuments(origin, { path = '', claimed, keys = [], rfc8414 = true, oidc = true, extra = {} } = {}) {
  const issuer = `${origin}${path}`;
  const metadata = {
    issuer: claimed ?? issuer,
    jwks_uri: `${issuer}/jwks`,
    token_endpoint: `${issuer}/token`,
    introspection_endpoint: `${issuer}/introspect`,
    response_types_supported: ['code'],
    ...extra,
  };
  const docs = { [`${path}/jwks`]: { keys } };
  if (rfc8414) docs[`/.well-known/oauth-authorization-server${path}`] = metadata;
  if (oidc) docs[`${path}/.well-known/openid-configuration`] = metadata;
  return { issuer, docs, metadata };
}
