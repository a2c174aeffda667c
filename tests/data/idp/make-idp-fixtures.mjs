#!/usr/bin/env node
// Generates the identity provider fixtures of tests/integration/100-idp.test.mjs:
// for Keycloak, Microsoft Entra ID, Auth0 and Okta, a TEST-ONLY signing key and
// the documents and tokens shaped as each provider issues them.
//
//   node tests/data/idp/make-idp-fixtures.mjs            # templates only, keys kept
//   node tests/data/idp/make-idp-fixtures.mjs --new-keys # new keys (and certificates) too
//
// Per provider, in tests/data/idp/<provider>/:
//
//   signing-key.TEST-ONLY.jwk.json  the private RSA signing key (JWK).  A
//                                   fixture key made by this script: it is
//                                   no provider's key and protects nothing.
//   jwks.json                       the JWK Set as the provider serves it
//   provider.json                   issuer path, endpoints, well-known paths
//                                   served, fixed identifiers (tenant, clients)
//   discovery.json                  the metadata document(s), by name
//   tokens.json                     access token templates: header and claims
//                                   in the provider's order, one per variant
//   introspection.json              (Keycloak, Okta) the introspection answer
//
// Templates are JSON with placeholders that tests/integration/lib/idp.mjs
// fills at test time, because the issuer is a loopback server on a free
// port and tokens need a current exp:
//
//   {{origin}}    http://127.0.0.1:<port> of the fixture server
//   {{issuer}}    {{origin}} + the provider's issuer path
//   {{resource}}  the protected resource (audience) the test asks for
//   {{claims.x}}  (introspection only) claim x of the token asked about;
//                 {{claims.x|join}} joins an array with spaces
//
// Times in token templates are those of a real token (the tutorial's for
// Keycloak); lib/idp.mjs shifts iat, nbf, exp and auth_time together so that
// the token is issued now and keeps the provider's lifetime.
//
// Sources: the Keycloak "tutorial" token is the one decoded in the MCP
// documentation's tutorial "Understanding Authorization in MCP"
// (/work/shared/reference/seed-tutorial.txt at the time of writing), with
// iss and aud replaced by placeholders.  Everything else follows the
// providers' public documentation as the authors understood it; it was not
// captured from real tenants (see tests/data/idp/README.md).
import { generateKeyPairSync, createPrivateKey, createPublicKey, createHash, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const NEW_KEYS = process.argv.includes('--new-keys');
const KEY_FILE = 'signing-key.TEST-ONLY.jwk.json';
const TEST_ONLY = 'TEST-ONLY fixture key of mod_mcp_auth\'s integration tests (tests/data/idp/make-idp-fixtures.mjs). '
  + 'Not a key of any identity provider; never use it to protect anything.';

const b64u = (buf) => Buffer.from(buf).toString('base64url');

// ---- keys ------------------------------------------------------------------

// A self-signed certificate for the key (DER), as providers publish in x5c.
function selfSigned(privateKey, subject) {
  const dir = mkdtempSync(path.join(tmpdir(), 'idp-fixture-'));
  try {
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.der');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const r = spawnSync('openssl', ['req', '-x509', '-new', '-key', keyFile, '-subj', subject, '-days', '3650',
      '-sha256', '-outform', 'DER', '-out', certFile], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl req failed: ${r.stderr}`);
    return readFileSync(certFile);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const thumbprint = (jwk) => b64u(createHash('sha256').update(JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n })).digest());

// kid: a fixed string, 'thumbprint' (RFC 7638), or 'x5t' (SHA-1 of the certificate, as Entra ID).
function makeKey({ kid, subject }) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pub = createPublicKey(privateKey).export({ format: 'jwk' });
  const cert = subject ? selfSigned(privateKey, subject) : undefined;
  const x5t = cert ? b64u(createHash('sha1').update(cert).digest()) : undefined;
  const id = kid === 'thumbprint' ? thumbprint(pub) : kid === 'x5t' ? x5t : kid;
  return {
    _comment: TEST_ONLY,
    ...privateKey.export({ format: 'jwk' }),
    kid: id,
    alg: 'RS256',
    use: 'sig',
    ...(cert ? { x5c: [cert.toString('base64')], x5t, 'x5t#S256': b64u(createHash('sha256').update(cert).digest()) } : {}),
  };
}

// The stored private JWK of a provider (made with --new-keys or when missing).
function signingKey(dir, spec) {
  const file = path.join(dir, KEY_FILE);
  if (!NEW_KEYS && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const jwk = makeKey(spec);
  writeFileSync(file, `${JSON.stringify(jwk, null, 2)}\n`);
  return jwk;
}

// Public members of a stored key, in the order `order` names them.
function publicJwk(stored, order, extra = {}) {
  const all = { ...stored, ...extra };
  const out = {};
  for (const k of order) if (all[k] !== undefined) out[k] = all[k];
  // Check that it is a public key of the private one.
  createPublicKey({ key: { kty: out.kty, n: out.n, e: out.e }, format: 'jwk' });
  createPrivateKey({ key: stored, format: 'jwk' });
  return out;
}

// More keys in a JWK Set (not used to sign: an encryption key, the next
// signing key): made once, only their public halves are kept, in jwks.json,
// where they are found again by `match`.
function extraKey(dir, match, make) {
  const file = path.join(dir, 'jwks.json');
  if (!NEW_KEYS && existsSync(file)) {
    const found = JSON.parse(readFileSync(file, 'utf8')).keys.find(match);
    if (found) return found;
  }
  return make();
}

// ---- the four providers ------------------------------------------------------

// Identifiers made up for the fixtures (GUIDs, client ids): no real tenant.
const ENTRA = {
  tenant: '3f8c2b1e-6d4a-4e7f-9b21-5c0d8a7e4f12',
  apiClientId: 'a7d41c92-3b5e-4f08-8e6a-2c9f1b7d3e50',        // the MCP server's app registration
  clientAppId: '5b2e9f7a-1c3d-4a6b-9e8f-0d7c6b5a4f31',        // the MCP client's app registration
  otherApiClientId: 'c41f0e2d-9a8b-4c7d-8e6f-1a2b3c4d5e6f',   // another API of the tenant
  userOid: '0e4d7a2c-5b9f-4c1e-8a3d-6f2b1c0e9d84',
};
const AUTH0 = {
  tenantHost: 'mcp-fixture.us.auth0.com',
  clientId: 'Xq3vN8kT2pLw9RfY5cHs7JmB4dGa6ZeU',                // a DCR client
  user: 'auth0|6650f1e2a3b4c5d6e7f80912',
};
const OKTA = {
  orgHost: 'mcp-fixture.okta.com',
  authServerId: 'default',
  clientId: '0oa1b2c3d4e5F6g7H8i9',                            // the MCP client (cid)
  introspectionClientId: '0oa9Z8y7X6w5V4u3T2s1',              // the MCP server's own client
  uid: '00u1a2B3c4D5e6F7g8H9',
  user: 'alice@example.com',
};
const KEYCLOAK = {
  realm: 'master',
  introspectionClientId: 'mcp-server',
  // The tutorial token's kid: the fixture key reuses it, so that the
  // re-signed tutorial token has the tutorial's header byte for byte.
  tutorialKid: '5N710l5YnLZMwXfuVRJXkBKvY36sorgDnlrirgkeLys',
  tutorialHeader: '{"alg":"RS256","typ" : "JWT","kid" : "5N710l5YnLZMwXfuVRJXkBKvY36sorgDnlrirgkeLys"}',
  tutorialClaims: {
    exp: 1755540817,
    iat: 1755540757,
    auth_time: 1755538888,
    jti: 'onrtac:b34080ff-8404-6867-81be-1231b50593a8',
    iss: '{{issuer}}',
    aud: '{{resource}}',
    sub: '33ed6c6b-c6e0-4928-a161-f2f69c7a03b9',
    typ: 'Bearer',
    azp: '7975a5b6-8b59-4a85-9cba-8faebdab8974',
    sid: '8f7ec276-358f-4ccc-b313-db08290f376f',
    scope: 'mcp:tools',
  },
};

const keycloakHeader = (kid) => `{"alg":"RS256","typ" : "JWT","kid" : "${kid}"}`;

function keycloak(dir) {
  const key = signingKey(dir, { kid: KEYCLOAK.tutorialKid, subject: `/CN=${KEYCLOAK.realm}` });
  const order = ['kid', 'kty', 'alg', 'use', 'n', 'e', 'x5c', 'x5t', 'x5t#S256'];
  const enc = extraKey(dir, (k) => k.use === 'enc', () => {
    const k = makeKey({ kid: 'thumbprint', subject: `/CN=${KEYCLOAK.realm}` });
    return publicJwk({ ...k, alg: 'RSA-OAEP', use: 'enc' }, order);
  });
  const typical = {
    exp: 1755540817,
    iat: 1755540757,
    auth_time: 1755538888,
    jti: 'onrtac:1f0c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b',
    iss: '{{issuer}}',
    aud: '{{resource}}',
    sub: '33ed6c6b-c6e0-4928-a161-f2f69c7a03b9',
    typ: 'Bearer',
    azp: '7975a5b6-8b59-4a85-9cba-8faebdab8974',
    sid: '8f7ec276-358f-4ccc-b313-db08290f376f',
    acr: '1',
    'allowed-origins': ['http://127.0.0.1:33418'],
    realm_access: { roles: ['default-roles-master', 'offline_access', 'uma_authorization', 'mcp-user'] },
    resource_access: { account: { roles: ['manage-account', 'manage-account-links', 'view-profile'] } },
    scope: 'mcp:tools profile email',
    email_verified: true,
    name: 'Alice Example',
    preferred_username: 'alice',
    given_name: 'Alice',
    family_name: 'Example',
    email: 'alice@example.com',
  };
  return {
    provider: {
      name: 'Keycloak',
      page: 'docs/idp/keycloak.md',
      issuerPath: `/realms/${KEYCLOAK.realm}`,
      constants: { realm: KEYCLOAK.realm, introspectionClientId: KEYCLOAK.introspectionClientId },
      // Keycloak serves its metadata under the realm (the issuer) only;
      // the RFC 8414 path-inserted URL is not one of its URLs.
      wellKnown: { '{{issuerPath}}/.well-known/openid-configuration': 'openid-configuration' },
      jwksPath: '{{issuerPath}}/protocol/openid-connect/certs',
      introspectionPath: '{{issuerPath}}/protocol/openid-connect/token/introspect',
      introspectionAuth: 'client_secret_basic',
    },
    jwks: { keys: [enc, publicJwk(key, order)] },
    discovery: {
      'openid-configuration': {
        issuer: '{{issuer}}',
        authorization_endpoint: '{{issuer}}/protocol/openid-connect/auth',
        token_endpoint: '{{issuer}}/protocol/openid-connect/token',
        introspection_endpoint: '{{issuer}}/protocol/openid-connect/token/introspect',
        userinfo_endpoint: '{{issuer}}/protocol/openid-connect/userinfo',
        end_session_endpoint: '{{issuer}}/protocol/openid-connect/logout',
        frontchannel_logout_session_supported: true,
        frontchannel_logout_supported: true,
        jwks_uri: '{{issuer}}/protocol/openid-connect/certs',
        check_session_iframe: '{{issuer}}/protocol/openid-connect/login-status-iframe.html',
        grant_types_supported: ['authorization_code', 'client_credentials', 'implicit', 'password', 'refresh_token',
          'urn:ietf:params:oauth:grant-type:device_code', 'urn:ietf:params:oauth:grant-type:token-exchange',
          'urn:ietf:params:oauth:grant-type:uma-ticket', 'urn:openid:params:grant-type:ciba'],
        acr_values_supported: ['0', '1'],
        response_types_supported: ['code', 'none', 'id_token', 'token', 'id_token token', 'code id_token', 'code token', 'code id_token token'],
        subject_types_supported: ['public', 'pairwise'],
        prompt_values_supported: ['none', 'login', 'consent'],
        id_token_signing_alg_values_supported: ['PS384', 'RS384', 'EdDSA', 'ES384', 'HS256', 'HS512', 'ES256', 'RS256', 'HS384', 'ES512', 'PS256', 'PS512', 'RS512'],
        userinfo_signing_alg_values_supported: ['PS384', 'RS384', 'EdDSA', 'ES384', 'HS256', 'HS512', 'ES256', 'RS256', 'HS384', 'ES512', 'PS256', 'PS512', 'RS512', 'none'],
        response_modes_supported: ['query', 'fragment', 'form_post', 'query.jwt', 'fragment.jwt', 'form_post.jwt', 'jwt'],
        registration_endpoint: '{{issuer}}/clients-registrations/openid-connect',
        token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic', 'client_secret_post', 'tls_client_auth', 'client_secret_jwt'],
        introspection_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic', 'client_secret_post', 'tls_client_auth', 'client_secret_jwt'],
        claims_supported: ['aud', 'sub', 'iss', 'auth_time', 'name', 'given_name', 'family_name', 'preferred_username', 'email', 'acr'],
        claim_types_supported: ['normal'],
        claims_parameter_supported: true,
        scopes_supported: ['openid', 'mcp:tools', 'acr', 'address', 'basic', 'email', 'microprofile-jwt', 'offline_access',
          'organization', 'phone', 'profile', 'roles', 'service_account', 'web-origins'],
        request_parameter_supported: true,
        request_uri_parameter_supported: true,
        require_request_uri_registration: true,
        code_challenge_methods_supported: ['plain', 'S256'],
        tls_client_certificate_bound_access_tokens: true,
        dpop_signing_alg_values_supported: ['PS384', 'RS384', 'EdDSA', 'ES384', 'ES256', 'RS256', 'ES512', 'PS256', 'PS512', 'RS512'],
        revocation_endpoint: '{{issuer}}/protocol/openid-connect/revoke',
        revocation_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic', 'client_secret_post', 'tls_client_auth', 'client_secret_jwt'],
        backchannel_logout_supported: true,
        backchannel_logout_session_supported: true,
        device_authorization_endpoint: '{{issuer}}/protocol/openid-connect/auth/device',
        backchannel_token_delivery_modes_supported: ['poll', 'ping'],
        backchannel_authentication_endpoint: '{{issuer}}/protocol/openid-connect/ext/ciba/auth',
        require_pushed_authorization_requests: false,
        pushed_authorization_request_endpoint: '{{issuer}}/protocol/openid-connect/ext/par/request',
        authorization_response_iss_parameter_supported: true,
      },
    },
    tokens: {
      default: 'typical',
      variants: {
        tutorial: {
          note: 'The token decoded in the MCP tutorial, byte for byte apart from iss, aud and the times: Keycloak\'s header spacing, typ "JWT", the tutorial\'s kid, aud from the audience mapper.',
          headerRaw: KEYCLOAK.tutorialHeader,
          claims: KEYCLOAK.tutorialClaims,
        },
        typical: {
          note: 'A user token of a realm with the tutorial\'s settings and the default client scopes profile, email and roles; aud from the audience mapper only.',
          headerRaw: keycloakHeader('{{kid}}'),
          claims: typical,
        },
        'account-audience': {
          note: 'The same with the "roles" scope\'s audience resolver adding "account" (the user has account roles): aud is an array.',
          headerRaw: keycloakHeader('{{kid}}'),
          claims: { ...typical, aud: ['{{resource}}', 'account'] },
        },
        'other-api': {
          note: 'A token of the same realm without the mcp:tools scope and its audience mapper: aud is only "account".',
          headerRaw: keycloakHeader('{{kid}}'),
          claims: { ...typical, aud: 'account', scope: 'profile email' },
        },
      },
    },
    introspection: {
      note: 'Keycloak answers with the token\'s claims plus client_id (the azp), username (preferred_username), token_type and active; an unknown or expired token: {"active":false}.',
      active: {
        '...claims': true,
        client_id: '{{claims.azp}}',
        username: '{{claims.preferred_username}}',
        token_type: 'Bearer',
        active: true,
      },
      inactive: { active: false },
      badClient: { status: 401, body: { error: 'invalid_client', error_description: 'Invalid client or Invalid client credentials' } },
    },
  };
}

function entra(dir) {
  const key = signingKey(dir, { kid: 'x5t', subject: '/CN=accounts.accesscontrol.windows.net' });
  const t = ENTRA.tenant;
  const v2 = {
    aud: ENTRA.apiClientId,
    iss: '{{issuer}}',
    iat: 1755540757,
    nbf: 1755540757,
    exp: 1755545241,
    aio: 'AWQAm/8aAAAAfixture0aio1Entra2ID3v24token5shape6only7',
    azp: ENTRA.clientAppId,
    azpacr: '0',
    name: 'Alice Example',
    oid: ENTRA.userOid,
    preferred_username: 'alice@contoso.example',
    rh: '1.AXkAfixture-rh-claim-of-the-Entra-token-shape.',
    scp: 'mcp.tools',
    sid: '00c3f1a2-4b5d-6e7f-8091-a2b3c4d5e6f7',
    sub: 'k3Zs1x9qP0wLmN7rT5vY2uE8oI4aS6dF0gH1jK2lZ3x',
    tid: t,
    uti: 'fixtureUtiClaim0123456',
    ver: '2.0',
  };
  return {
    provider: {
      name: 'Microsoft Entra ID',
      page: 'docs/idp/entra-id.md',
      issuerPath: `/${t}/v2.0`,
      constants: ENTRA,
      // The tenant's v2.0 OpenID Connect discovery document only.
      wellKnown: { '{{issuerPath}}/.well-known/openid-configuration': 'openid-configuration' },
      jwksPath: `/${t}/discovery/v2.0/keys`,
      introspectionPath: null,
    },
    jwks: {
      keys: [publicJwk(key, ['kty', 'use', 'kid', 'x5t', 'n', 'e', 'x5c', 'cloud_instance_name', 'issuer'],
        { cloud_instance_name: 'microsoftonline.com', issuer: '{{issuer}}' })],
    },
    discovery: {
      'openid-configuration': {
        token_endpoint: `{{origin}}/${t}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        jwks_uri: `{{origin}}/${t}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: '{{issuer}}',
        request_uri_parameter_supported: false,
        userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
        authorization_endpoint: `{{origin}}/${t}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `{{origin}}/${t}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `{{origin}}/${t}/oauth2/v2.0/logout`,
        claims_supported: ['sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name', 'msgraph_host',
          'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email'],
        kerberos_endpoint: `{{origin}}/${t}/kerberos`,
        tenant_region_scope: 'EU',
        cloud_instance_name: 'microsoftonline.com',
        cloud_graph_host_name: 'graph.windows.net',
        msgraph_host: 'graph.microsoft.com',
        rbac_url: 'https://pas.windows.net',
      },
    },
    tokens: {
      default: 'v2',
      variants: {
        v2: {
          note: 'A v2.0 access token (api.requestedAccessTokenVersion 2) for the MCP server\'s app registration, delegated (a user signed in through the MCP client\'s registration): aud is the API\'s client id, scp the scope\'s short name.',
          header: { typ: 'JWT', alg: 'RS256', kid: '{{kid}}' },
          claims: v2,
        },
        'v2-app-id-uri': {
          note: 'The same with aud = the Application ID URI api://<client-id> (what the brief of issue 10 and some reports describe; Microsoft documents the GUID for v2.0 tokens).',
          header: { typ: 'JWT', alg: 'RS256', kid: '{{kid}}' },
          claims: { ...v2, aud: `api://${ENTRA.apiClientId}` },
        },
        'other-api': {
          note: 'A v2.0 token of the same tenant for another API (another app registration).',
          header: { typ: 'JWT', alg: 'RS256', kid: '{{kid}}' },
          claims: { ...v2, aud: ENTRA.otherApiClientId, scp: 'access_as_user' },
        },
      },
    },
  };
}

function auth0(dir) {
  const key = signingKey(dir, { kid: b64u(randomBytes(16)).slice(0, 22), subject: `/CN=${AUTH0.tenantHost}` });
  const order = ['kty', 'use', 'n', 'e', 'kid', 'x5t', 'x5c', 'alg'];
  const next = extraKey(dir, (k) => k.kid !== key.kid, () => publicJwk(makeKey({ kid: b64u(randomBytes(16)).slice(0, 22), subject: `/CN=${AUTH0.tenantHost}` }), order));
  const base = {
    iss: '{{issuer}}',
    sub: AUTH0.user,
    aud: ['{{resource}}', '{{origin}}/userinfo'],
    iat: 1755540757,
    exp: 1755627157,
    scope: 'openid profile email mcp:tools',
  };
  const oauth = {
    issuer: '{{issuer}}',
    authorization_endpoint: '{{origin}}/authorize',
    token_endpoint: '{{origin}}/oauth/token',
    device_authorization_endpoint: '{{origin}}/oauth/device/code',
    registration_endpoint: '{{origin}}/oidc/register',
    revocation_endpoint: '{{origin}}/oauth/revoke',
    jwks_uri: '{{origin}}/.well-known/jwks.json',
    scopes_supported: ['openid', 'profile', 'offline_access', 'name', 'given_name', 'family_name', 'nickname', 'email',
      'email_verified', 'picture', 'created_at', 'identities', 'phone', 'address'],
    response_types_supported: ['code', 'token', 'id_token', 'code token', 'code id_token', 'token id_token', 'code token id_token'],
    code_challenge_methods_supported: ['S256', 'plain'],
    response_modes_supported: ['query', 'fragment', 'form_post'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
  };
  return {
    provider: {
      name: 'Auth0',
      page: 'docs/idp/auth0.md',
      // The issuer is the tenant's origin with a trailing slash.
      issuerPath: '/',
      constants: AUTH0,
      wellKnown: {
        '/.well-known/openid-configuration': 'openid-configuration',
        '/.well-known/oauth-authorization-server': 'oauth-authorization-server',
      },
      jwksPath: '/.well-known/jwks.json',
      introspectionPath: null,
    },
    jwks: { keys: [publicJwk(key, order), next] },
    discovery: {
      'openid-configuration': {
        ...oauth,
        userinfo_endpoint: '{{origin}}/userinfo',
        mfa_challenge_endpoint: '{{origin}}/mfa/challenge',
        subject_types_supported: ['public'],
        claims_supported: ['aud', 'auth_time', 'created_at', 'email', 'email_verified', 'exp', 'family_name', 'given_name', 'iat',
          'identities', 'iss', 'name', 'nickname', 'phone_number', 'picture', 'sub'],
        request_uri_parameter_supported: false,
        request_parameter_supported: false,
        id_token_signing_alg_values_supported: ['HS256', 'RS256', 'PS256'],
        token_endpoint_auth_signing_alg_values_supported: ['RS256', 'RS384', 'PS256'],
        backchannel_logout_supported: true,
        backchannel_logout_session_supported: true,
        end_session_endpoint: '{{origin}}/oidc/logout',
      },
      'oauth-authorization-server': oauth,
    },
    tokens: {
      default: 'rfc9068',
      variants: {
        rfc9068: {
          note: 'The API\'s "RFC 9068" token profile: typ at+jwt, client_id; aud is the API identifier plus /userinfo (openid was asked for).',
          header: { alg: 'RS256', typ: 'at+jwt', kid: '{{kid}}' },
          claims: { ...base, jti: 'fixtureJti0123456789abcd', client_id: AUTH0.clientId },
        },
        auth0: {
          note: 'The default "Auth0" token profile: typ JWT, the client in azp.',
          header: { alg: 'RS256', typ: 'JWT', kid: '{{kid}}' },
          claims: { ...base, azp: AUTH0.clientId },
        },
        'other-api': {
          note: 'A token of the same tenant for another API.',
          header: { alg: 'RS256', typ: 'at+jwt', kid: '{{kid}}' },
          claims: { ...base, aud: ['https://other.example/api', '{{origin}}/userinfo'], jti: 'fixtureJti0123456789efgh', client_id: AUTH0.clientId },
        },
      },
    },
  };
}

function okta(dir) {
  const key = signingKey(dir, { kid: b64u(randomBytes(32)).slice(0, 43) });
  const claims = {
    ver: 1,
    jti: 'AT.fixture-Okta-access-token-id-0123456789',
    iss: '{{issuer}}',
    aud: '{{resource}}',
    iat: 1755540757,
    exp: 1755544357,
    cid: OKTA.clientId,
    uid: OKTA.uid,
    scp: ['mcp:tools', 'openid'],
    auth_time: 1755538888,
    sub: OKTA.user,
  };
  const common = {
    issuer: '{{issuer}}',
    authorization_endpoint: '{{issuer}}/v1/authorize',
    token_endpoint: '{{issuer}}/v1/token',
    registration_endpoint: '{{origin}}/oauth2/v1/clients',
    jwks_uri: '{{issuer}}/v1/keys',
    response_types_supported: ['code', 'token', 'id_token', 'code id_token', 'code token', 'id_token token', 'code id_token token'],
    response_modes_supported: ['query', 'fragment', 'form_post', 'okta_post_message'],
    grant_types_supported: ['authorization_code', 'implicit', 'refresh_token', 'password', 'client_credentials',
      'urn:ietf:params:oauth:grant-type:device_code', 'urn:ietf:params:oauth:grant-type:token-exchange'],
    subject_types_supported: ['public'],
    scopes_supported: ['mcp:tools', 'openid', 'profile', 'email', 'address', 'phone', 'offline_access', 'device_sso'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'],
    code_challenge_methods_supported: ['S256'],
    introspection_endpoint: '{{issuer}}/v1/introspect',
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'],
    revocation_endpoint: '{{issuer}}/v1/revoke',
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'],
    end_session_endpoint: '{{issuer}}/v1/logout',
    request_parameter_supported: true,
    request_object_signing_alg_values_supported: ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'],
    device_authorization_endpoint: '{{issuer}}/v1/device/authorize',
    pushed_authorization_request_endpoint: '{{issuer}}/v1/par',
    dpop_signing_alg_values_supported: ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'],
  };
  return {
    provider: {
      name: 'Okta',
      page: 'docs/idp/okta.md',
      issuerPath: `/oauth2/${OKTA.authServerId}`,
      constants: OKTA,
      // A custom authorization server serves both documents under its issuer
      // (appended, not the RFC 8414 path-inserted form).
      wellKnown: {
        '{{issuerPath}}/.well-known/oauth-authorization-server': 'oauth-authorization-server',
        '{{issuerPath}}/.well-known/openid-configuration': 'openid-configuration',
      },
      jwksPath: '{{issuerPath}}/v1/keys',
      introspectionPath: '{{issuerPath}}/v1/introspect',
      introspectionAuth: 'client_secret_basic',
    },
    jwks: { keys: [publicJwk(key, ['kty', 'alg', 'kid', 'use', 'e', 'n'])] },
    discovery: {
      'openid-configuration': {
        ...common,
        userinfo_endpoint: '{{issuer}}/v1/userinfo',
        id_token_signing_alg_values_supported: ['RS256'],
        claims_supported: ['iss', 'ver', 'sub', 'aud', 'iat', 'exp', 'jti', 'auth_time', 'amr', 'idp', 'nonce', 'name', 'nickname',
          'preferred_username', 'given_name', 'middle_name', 'family_name', 'email', 'email_verified', 'profile', 'zoneinfo',
          'locale', 'address', 'phone_number', 'picture', 'website', 'gender', 'birthdate', 'updated_at', 'at_hash', 'c_hash'],
      },
      'oauth-authorization-server': common,
    },
    tokens: {
      default: 'custom-as',
      variants: {
        'custom-as': {
          note: 'An access token of a custom authorization server whose Audience is the resource: scp an array, the client in cid (no client_id, no azp), header without typ.',
          header: { kid: '{{kid}}', alg: 'RS256' },
          claims,
        },
        'internal-typ': {
          note: 'The same with typ "application/okta-internal-at+jwt", which Okta writes at least on tokens of the org authorization server (issue 10 asks for it on a custom server\'s token).',
          header: { kid: '{{kid}}', typ: 'application/okta-internal-at+jwt', alg: 'RS256' },
          claims,
        },
        'other-api': {
          note: 'A token of the same custom authorization server with its default Audience api://default.',
          header: { kid: '{{kid}}', alg: 'RS256' },
          claims: { ...claims, aud: 'api://default' },
        },
      },
    },
    introspection: {
      note: 'Okta answers with selected members: scope as a string, client_id (the cid), username, token_type; an unknown or expired token: {"active":false}.',
      active: {
        active: true,
        scope: '{{claims.scp|join}}',
        username: '{{claims.sub}}',
        exp: '{{claims.exp}}',
        iat: '{{claims.iat}}',
        sub: '{{claims.sub}}',
        aud: '{{claims.aud}}',
        iss: '{{claims.iss}}',
        jti: '{{claims.jti}}',
        token_type: 'Bearer',
        client_id: '{{claims.cid}}',
        uid: '{{claims.uid}}',
      },
      inactive: { active: false },
      badClient: { status: 401, body: { errorCode: 'invalid_client', errorSummary: 'Invalid value for \'client_id\' parameter.', error: 'invalid_client', error_description: 'Invalid value for \'client_id\' parameter.' } },
    },
  };
}

// ---- write -------------------------------------------------------------------

const write = (dir, name, value) => writeFileSync(path.join(dir, name), `${JSON.stringify(value, null, 2)}\n`);

for (const [name, make] of Object.entries({ keycloak, entra, auth0, okta })) {
  const dir = path.join(HERE, name);
  mkdirSync(dir, { recursive: true });
  const f = make(dir);
  // Substitute the signing key's kid into the templates.
  const kid = JSON.parse(readFileSync(path.join(dir, KEY_FILE), 'utf8')).kid;
  const tokens = JSON.parse(JSON.stringify(f.tokens).replaceAll('{{kid}}', kid));
  write(dir, 'provider.json', { _comment: 'Generated by tests/data/idp/make-idp-fixtures.mjs: do not edit by hand.', ...f.provider });
  write(dir, 'jwks.json', f.jwks);
  write(dir, 'discovery.json', f.discovery);
  write(dir, 'tokens.json', tokens);
  if (f.introspection) write(dir, 'introspection.json', f.introspection);
  console.log(`${name}: kid ${kid}${NEW_KEYS ? ' (new key)' : ''}`);
}
