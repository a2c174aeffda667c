// make-fixtures.mjs: the JWT and JWK Set fixtures of tests/unit/test_jwt.c
// and tests/unit/test_jwk.c.
//
//   node tests/data/jwt/make-fixtures.mjs
//
// Node 20, node:crypto and node:fs only. Writes, next to this script:
//   keys/<kid>.pem     test-only private keys (PKCS#8); created when missing
//                      and reused afterwards, so that a regeneration only
//                      changes the randomized signatures (PS*, ES*)
//   jwks*.json         JWK Sets
//   <name>.jwt         one compact JWS per file, no trailing newline
//   manifest.json      what test_jwt.c expects of each token, stage by stage
// Every *.jwt and jwks*.json file is rewritten; stale ones are removed.
// The 1 MiB token is not a file: test_jwt.c builds it.
//
// Manifest rows: {name, about, file?, jwks?, max_len?, parse, verify?,
// claims?, check?, desc, lax_desc?}
//   parse   "ok" | "fail" | "either" (the header leaves the stage open)
//   verify  "ok" | "fail" (APR_EGENERAL) | "unknown_key" (APR_NOTFOUND)
//           | "not_ok" (either of the two); with MCP_ALGS_ALL and `jwks`
//   claims  "ok" | "fail" | "either"; strict typ, now, skew 30 s
//   check   "ok" | "invalid_token" | "insufficient_scope" (mcp_claims_check)
//           | "?" (either way)
//   desc    the final reason: null when accepted; a parse failure is
//           "malformed", a verify failure "signature is not valid"; "*"
//           for any reason (but not accepted)
//   lax_desc the final reason with strict_typ = 0 when it differs; "?"
//           for any outcome
import {
    constants, createHmac, createPrivateKey, createPublicKey,
    generateKeyPairSync, sign, verify,
} from 'node:crypto';
import {
    existsSync, mkdirSync, readFileSync, readdirSync, unlinkSync,
    writeFileSync,
} from 'node:fs';

const DIR = new URL('./', import.meta.url);
const KEYDIR = new URL('keys/', DIR);

const ISS = 'https://as.example.com';
const RESOURCE = 'https://mcp.example.com/mcp';
const IAT = 1700000000;
const EXP = IAT + 3600;
const NOW = 1700000100;

const D = {
    malformed: 'the access token is malformed',
    signature: 'the access token signature is not valid',
    jwtType: 'the access token is not a JWT access token',
    noExpiry: 'the access token has no expiry',
    expired: 'the access token expired',
    notYet: 'the access token is not valid yet',
    issuer: 'the access token was issued by an unexpected issuer',
    audience: 'the access token was not issued for this resource',
    scope: 'the access token lacks a required scope',
};

// --- keys -----------------------------------------------------------------

const KEYGEN = {
    rsa1: ['rsa', { modulusLength: 2048 }],
    rsa2: ['rsa', { modulusLength: 2048 }],
    rsa1024: ['rsa', { modulusLength: 1024 }],
    ec256: ['ec', { namedCurve: 'P-256' }],
    ec384: ['ec', { namedCurve: 'P-384' }],
    ec521: ['ec', { namedCurve: 'P-521' }],
    ed1: ['ed25519', {}],
};

mkdirSync(KEYDIR, { recursive: true });
const keys = {};
for (const [kid, [type, opts]] of Object.entries(KEYGEN)) {
    const file = new URL(`${kid}.pem`, KEYDIR);
    if (!existsSync(file)) {
        const { privateKey } = generateKeyPairSync(type, opts);
        writeFileSync(file, privateKey.export({ type: 'pkcs8',
                                                format: 'pem' }));
    }
    const priv = createPrivateKey(readFileSync(file));
    keys[kid] = { priv, pub: createPublicKey(priv) };
}

// A public JWK with kid first, then the given members.
function pubJwk(kid, name, extra = {}) {
    return { kid, ...keys[name].pub.export({ format: 'jwk' }), ...extra };
}

function privJwk(kid, name, extra = {}) {
    return { kid, ...keys[name].priv.export({ format: 'jwk' }), ...extra };
}

// --- JWK Sets ---------------------------------------------------------------

const jwks = {};

// The published set: rsa1 serves every RS and PS alg (no "alg").
jwks['jwks.json'] = { keys: [
    pubJwk('rsa1', 'rsa1', { use: 'sig' }),
    pubJwk('ec256', 'ec256', { use: 'sig', alg: 'ES256' }),
    pubJwk('ec384', 'ec384', { use: 'sig', alg: 'ES384' }),
    pubJwk('ec521', 'ec521', { use: 'sig', alg: 'ES512' }),
    pubJwk('ed1', 'ed1', { use: 'sig', alg: 'EdDSA' }),
] };

jwks['jwks-one.json'] = { keys: [pubJwk('rsa1', 'rsa1', { use: 'sig' })] };

jwks['jwks-private.json'] = { keys: [
    privJwk('rsa-priv', 'rsa1', { use: 'sig' }),
    privJwk('ec-priv', 'ec256', { use: 'sig', alg: 'ES256' }),
    privJwk('ed-priv', 'ed1', { use: 'sig', alg: 'EdDSA' }),
    pubJwk('ec256', 'ec256', { use: 'sig', alg: 'ES256' }),
] };

jwks['jwks-oct.json'] = { keys: [
    { kty: 'oct', kid: 'hmac', use: 'sig', alg: 'HS256',
      k: Buffer.from('a shared secret that nobody shares').toString(
          'base64url') },
    pubJwk('ed1', 'ed1', { use: 'sig', alg: 'EdDSA' }),
] };

jwks['jwks-rsa1024.json'] = { keys: [
    pubJwk('rsa-small', 'rsa1024', { use: 'sig' }),
    pubJwk('rsa1', 'rsa1', { use: 'sig' }),
] };

jwks['jwks-use-enc.json'] = { keys: [
    pubJwk('rsa-enc', 'rsa1', { use: 'enc' }),
    pubJwk('ec256', 'ec256', { use: 'sig', alg: 'ES256' }),
    pubJwk('ed-nouse', 'ed1', { alg: 'EdDSA' }),
] };

const ec256 = keys.ec256.pub.export({ format: 'jwk' });
const ed1 = keys.ed1.pub.export({ format: 'jwk' });
jwks['jwks-unknown.json'] = { keys: [
    { kty: 'XYZ', kid: 'kty-xyz', use: 'sig', n: 'AQAB', e: 'AQAB' },
    { kty: 'EC', kid: 'crv-p192', use: 'sig', crv: 'P-192',
      x: ec256.x.slice(0, 32), y: ec256.y.slice(0, 32) },
    { kty: 'EC', kid: 'crv-secp256k1', use: 'sig', crv: 'secp256k1',
      x: ec256.x, y: ec256.y },
    { kty: 'OKP', kid: 'crv-x25519', use: 'sig', crv: 'X25519', x: ed1.x },
    { kid: 'kty-missing', use: 'sig', crv: 'P-256', x: ec256.x,
      y: ec256.y },
    pubJwk('rsa1', 'rsa1', { use: 'sig' }),
] };

// Not canonical base64url, one defect each; a lenient decoder reads
// them all as some valid key.
const rsa1 = keys.rsa1.pub.export({ format: 'jwk' });
const withChar = (s, i, c) => s.slice(0, i) + c + s.slice(i + 1);
// y with its last bit flipped: a point that is not on P-256
const offCurveY = Buffer.from(ec256.y, 'base64url');
offCurveY[offCurveY.length - 1] ^= 1;
jwks['jwks-bad-b64.json'] = { keys: [
    { kty: 'RSA', kid: 'n-plus', use: 'sig', n: withChar(rsa1.n, 5, '+'),
      e: rsa1.e },
    { kty: 'RSA', kid: 'n-slash', use: 'sig', n: withChar(rsa1.n, 5, '/'),
      e: rsa1.e },
    { kty: 'RSA', kid: 'n-padded', use: 'sig', n: rsa1.n + '==', e: rsa1.e },
    { kty: 'RSA', kid: 'n-star', use: 'sig', n: withChar(rsa1.n, 5, '*'),
      e: rsa1.e },
    { kty: 'RSA', kid: 'n-space', use: 'sig', n: withChar(rsa1.n, 5, ' '),
      e: rsa1.e },
    { kty: 'RSA', kid: 'n-number', use: 'sig', n: 12345, e: rsa1.e },
    { kty: 'RSA', kid: 'e-missing', use: 'sig', n: rsa1.n },
    { kty: 'EC', kid: 'x-plus', use: 'sig', crv: 'P-256',
      x: withChar(ec256.x, 3, '+'), y: ec256.y },
    { kty: 'EC', kid: 'y-missing', use: 'sig', crv: 'P-256', x: ec256.x },
    { kty: 'EC', kid: 'off-curve', use: 'sig', crv: 'P-256', x: ec256.x,
      y: offCurveY.toString('base64url') },
    { kty: 'OKP', kid: 'okp-short', use: 'sig', crv: 'Ed25519',
      x: ed1.x.slice(0, 40) },
    pubJwk('ec256', 'ec256', { use: 'sig', alg: 'ES256' }),
] };

// Several keys per kid: told apart by kty.
jwks['jwks-dup-kid.json'] = { keys: [
    pubJwk('dup', 'rsa1', { use: 'sig' }),
    pubJwk('dup', 'ec256', { use: 'sig', alg: 'ES256' }),
    pubJwk('same', 'rsa2', { use: 'sig' }),
    pubJwk('same', 'rsa1', { use: 'sig' }),
] };

jwks['jwks-empty.json'] = { keys: [] };
jwks['jwks-junk-entries.json'] = { keys: [
    1, 'rsa1', null, [], true,
    pubJwk('ec256', 'ec256', { use: 'sig', alg: 'ES256' }),
] };
// Not JWK Sets: a bare array of keys, "keys" as an object.
jwks['jwks-not-object.json'] = [pubJwk('rsa1', 'rsa1', { use: 'sig' })];
jwks['jwks-keys-not-array.json'] = {
    keys: { rsa1: pubJwk('rsa1', 'rsa1', { use: 'sig' }) },
};

// Keys restricted to one alg, and a key without kid.
jwks['jwks-alg.json'] = { keys: [
    pubJwk('rs256-only', 'rsa1', { use: 'sig', alg: 'RS256' }),
    pubJwk('ps256-only', 'rsa1', { use: 'sig', alg: 'PS256' }),
    pubJwk('ec256-noalg', 'ec256', { use: 'sig' }),
    pubJwk('ec384', 'ec384', { use: 'sig', alg: 'ES384' }),
    pubJwk('ed1', 'ed1', { use: 'sig' }),
    (() => {
        const k = pubJwk(undefined, 'ec521', { use: 'sig', alg: 'ES512' });
        delete k.kid;
        return k;
    })(),
] };

// Keys whose alg contradicts their curve: loaded or skipped, they must
// never verify anything.
jwks['jwks-alg-conflict.json'] = { keys: [
    pubJwk('ec384-as-es256', 'ec384', { use: 'sig', alg: 'ES256' }),
    pubJwk('ec256-as-es384', 'ec256', { use: 'sig', alg: 'ES384' }),
    pubJwk('rsa-as-es256', 'rsa1', { use: 'sig', alg: 'ES256' }),
    pubJwk('ed-as-rs256', 'ed1', { use: 'sig', alg: 'RS256' }),
] };

// --- signing ----------------------------------------------------------------

const b64u = (buf) => Buffer.from(buf).toString('base64url');
// A segment from an object (JSON.stringify) or a raw JSON text.
const seg = (x) => b64u(Buffer.from(typeof x === 'string' ? x
                                                          : JSON.stringify(x)));
const HASH = { 256: 'sha256', 384: 'sha384', 512: 'sha512' };

function signRaw(alg, key, input) {
    const data = Buffer.from(input);
    const hash = HASH[alg.slice(2)];
    switch (alg.slice(0, 2)) {
    case 'RS':
        return sign(hash, data, key);
    case 'PS':
        return sign(hash, data, { key,
            padding: constants.RSA_PKCS1_PSS_PADDING,
            saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
    case 'ES':
        return sign(hash, data, { key, dsaEncoding: 'ieee-p1363' });
    case 'Ed':
        return sign(null, data, key);
    default:
        throw new Error(`no signer for ${alg}`);
    }
}

const KEY_OF_ALG = {
    RS256: 'rsa1', RS384: 'rsa1', RS512: 'rsa1',
    PS256: 'rsa1', PS384: 'rsa1', PS512: 'rsa1',
    ES256: 'ec256', ES384: 'ec384', ES512: 'ec521', EdDSA: 'ed1',
};

function header(alg, extra = {}) {
    return { alg, typ: 'at+jwt', kid: KEY_OF_ALG[alg], ...extra };
}

function claims(name, extra = {}, drop = []) {
    const c = { iss: ISS, sub: 'alice', client_id: 'client-1', aud: RESOURCE,
                scope: 'mcp:tools', iat: IAT, exp: EXP, jti: `jti-${name}`,
                ...extra };
    for (const k of drop) {
        delete c[k];
    }
    return c;
}

// Sign header.payload with `signer` (a key name; default: the key of the
// header's alg, whatever its kid says) under `sigAlg` (default: the
// header's alg).
function jws(hdr, payload, signer, sigAlg) {
    const alg = sigAlg || (typeof hdr === 'string' ? JSON.parse(hdr).alg
                                                    : hdr.alg);
    const input = `${seg(hdr)}.${seg(payload)}`;
    const key = keys[signer || KEY_OF_ALG[alg]].priv;
    return `${input}.${b64u(signRaw(alg, key, input))}`;
}

const parts = (t) => t.split('.');

// --- tokens -----------------------------------------------------------------

const rows = [];
const tokens = {};

function add(name, token, expect, about, more = {}) {
    if (token !== null) {
        if (tokens[name]) {
            throw new Error(`token ${name} twice`);
        }
        tokens[name] = token;
    }
    rows.push({ name, about, ...more, ...expect });
}

const valid = () => ({ parse: 'ok', verify: 'ok', claims: 'ok', check: 'ok',
                       desc: null });
const parseFail = () => ({ parse: 'fail', desc: D.malformed });
const verifyFail = (verify = 'fail', parse = 'ok') =>
    ({ parse, verify, desc: parse === 'fail' ? D.malformed : D.signature });
const claimsFail = (desc, how = 'fail') =>
    ({ parse: 'ok', verify: 'ok', claims: how, desc });
const checkFail = (desc, check = 'invalid_token') =>
    ({ parse: 'ok', verify: 'ok', claims: 'ok', check, desc });

// one valid token per algorithm
const ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512',
              'ES256', 'ES384', 'ES512', 'EdDSA'];
for (const alg of ALGS) {
    const name = alg.toLowerCase();
    add(name, jws(header(alg), claims(name)), valid(),
        `valid ${alg} token signed with ${KEY_OF_ALG[alg]}`);
}
const rs256 = tokens.rs256;
const [rsH, rsP, rsS] = parts(rs256);

// alg none, in any case
for (const [name, alg] of [['alg-none', 'none'], ['alg-none-capital', 'None'],
                           ['alg-none-upper', 'NONE']]) {
    add(name, `${seg({ alg, typ: 'at+jwt', kid: 'rsa1' })}.${
        seg(claims(name))}.`,
        verifyFail('fail', 'either'),
        `unsecured JWS, alg "${alg}", empty signature`);
}
{
    const hdr = { alg: 'none', typ: 'at+jwt', kid: 'rsa1' };
    const input = `${seg(hdr)}.${seg(claims('alg-none-signed'))}`;
    add('alg-none-signed',
        `${input}.${b64u(signRaw('RS256', keys.rsa1.priv, input))}`,
        verifyFail(), 'alg "none" with a valid RS256 signature by rsa1');
}

// HMAC with public key material as the secret (key confusion)
function hs256(name, secret) {
    const input = `${seg({ alg: 'HS256', typ: 'at+jwt', kid: 'rsa1' })}.${
        seg(claims(name))}`;
    return `${input}.${b64u(createHmac('sha256', secret).update(input)
                                                    .digest())}`;
}
add('hs256-rsa-pem', hs256('hs256-rsa-pem',
                           keys.rsa1.pub.export({ type: 'spki',
                                                  format: 'pem' })),
    verifyFail(), 'HS256 keyed with the SPKI PEM of rsa1');
add('hs256-rsa-n', hs256('hs256-rsa-n', Buffer.from(rsa1.n, 'base64url')),
    verifyFail(), 'HS256 keyed with the bytes of rsa1\'s n');

// kid games
add('kid-unknown', jws(header('RS256', { kid: 'rsa9' }), claims('kid-unknown')),
    verifyFail('unknown_key'), 'kid of no key of the set');
add('kid-path', jws(header('RS256', { kid: '../../etc/passwd' }),
                    claims('kid-path')),
    verifyFail('unknown_key'), 'kid "../../etc/passwd"');
add('kid-sql', jws(header('RS256', { kid: '\' OR 1=1 --' }), claims('kid-sql')),
    verifyFail('unknown_key'), 'kid "\' OR 1=1 --"');
add('kid-10k', jws(header('RS256', { kid: 'k'.repeat(10240) }),
                   claims('kid-10k')),
    parseFail(), 'a 10 KiB kid: the token exceeds 8192 bytes');
add('kid-10k-under-64k', null, verifyFail('unknown_key'),
    'the 10 KiB kid token parsed with max_len 65536',
    { file: 'kid-10k.jwt', max_len: 65536 });
add('kid-number', jws(header('RS256', { kid: 1 }), claims('kid-number')),
    verifyFail('not_ok', 'either'), 'kid as a number');
add('kid-kty-mismatch', jws(header('ES256', { kid: 'rsa1' }),
                            claims('kid-kty-mismatch')),
    verifyFail(), 'ES256 signed with ec256 but kid "rsa1" (an RSA key)');
add('es384-with-ec256-key', jws(header('ES384', { kid: 'ec256' }),
                                claims('es384-with-ec256-key'), 'ec256'),
    verifyFail(), 'ES384 (SHA-384) signed with the P-256 key ec256 whose '
    + 'alg is ES256');
add('no-kid', jws(header('RS256', { kid: undefined }), claims('no-kid')),
    verifyFail('not_ok'), 'no kid, five keys in the set');
add('no-kid-one-key-set', null, valid(),
    'no kid, verified with a set of exactly one key',
    { file: 'no-kid.jwt', jwks: 'jwks-one.json' });

// keys restricted to one alg
add('rs256-key-alg-rs256', jws(header('RS256', { kid: 'rs256-only' }),
                               claims('rs256-key-alg-rs256')),
    valid(), 'RS256 with a key whose alg is RS256',
    { jwks: 'jwks-alg.json' });
add('rs384-key-alg-rs256', jws(header('RS384', { kid: 'rs256-only' }),
                               claims('rs384-key-alg-rs256')),
    verifyFail(), 'RS384, valid signature, but the key\'s alg is RS256',
    { jwks: 'jwks-alg.json' });
add('ps256-key-alg-rs256', jws(header('PS256', { kid: 'rs256-only' }),
                               claims('ps256-key-alg-rs256')),
    verifyFail(), 'PS256, valid signature, but the key\'s alg is RS256',
    { jwks: 'jwks-alg.json' });
add('es256-key-without-alg', jws(header('ES256', { kid: 'ec256-noalg' }),
                                 claims('es256-key-without-alg')),
    valid(), 'ES256 with a P-256 key without alg', { jwks: 'jwks-alg.json' });
add('eddsa-key-without-alg', null, valid(),
    'EdDSA with an Ed25519 key without alg',
    { file: 'eddsa.jwt', jwks: 'jwks-alg.json' });
add('es384-key-alg-es256', jws(header('ES384', { kid: 'ec384-as-es256' }),
                               claims('es384-key-alg-es256')),
    verifyFail(), 'ES384, valid signature by ec384, whose JWK says ES256',
    { jwks: 'jwks-alg-conflict.json' });
add('es256-key-on-p384', jws(header('ES256', { kid: 'ec384-as-es256' }),
                             claims('es256-key-on-p384'), 'ec384'),
    verifyFail(), 'ES256 (SHA-256) signed with the P-384 key whose JWK '
    + 'says ES256', { jwks: 'jwks-alg-conflict.json' });

// keys named in the header: never fetched, never trusted. Signed by rsa2
// under kid rsa1.
const rsa2 = keys.rsa2.pub.export({ format: 'jwk' });
const evil = (name, extra) =>
    jws(header('RS256', extra), claims(name), 'rsa2');
add('signed-by-attacker', evil('signed-by-attacker', {}), verifyFail(),
    'kid rsa1, signed by rsa2');
add('jku-attacker', evil('jku-attacker',
                         { jku: 'https://attacker.example/jwks.json' }),
    verifyFail(), 'jku to the attacker\'s JWK Set, signed by rsa2');
add('x5u-attacker', evil('x5u-attacker',
                         { x5u: 'https://attacker.example/rsa2.pem' }),
    verifyFail(), 'x5u to the attacker\'s certificate, signed by rsa2');
add('jwk-embedded', evil('jwk-embedded', { jwk: { ...rsa2, kid: 'rsa1' } }),
    verifyFail(), 'jwk header with rsa2, signed by rsa2');
add('jwk-embedded-no-kid', evil('jwk-embedded-no-kid',
                                { kid: undefined, jwk: rsa2 }),
    verifyFail('not_ok'), 'jwk header with rsa2 and no kid, signed by rsa2');
add('x5c-embedded', evil('x5c-embedded', {
    x5c: [keys.rsa2.pub.export({ type: 'spki', format: 'der' })
        .toString('base64')],
}), verifyFail(), 'x5c header with rsa2, signed by rsa2');

// tampering
add('tampered-payload', `${rsH}.${seg(claims('rs256', { sub: 'mallory' }))
}.${rsS}`, verifyFail(), 'sub changed to mallory after signing');
{
    const t = jws(header('RS256', { typ: 'JWT' }), claims('tampered-header'));
    add('tampered-header', `${seg(header('RS256'))}.${parts(t)[1]}.${
        parts(t)[2]}`,
        verifyFail(), 'typ changed from JWT to at+jwt after signing');
}
add('sig-stripped', `${rsH}.${rsP}.`, verifyFail('fail', 'either'),
    'RS256 with the signature removed');
add('sig-truncated', `${rsH}.${rsP}.${b64u(Buffer.from(rsS, 'base64url')
                                            .subarray(0, 255))}`,
    verifyFail(), 'RS256 signature one byte short');
add('sig-of-other-token', `${rsH}.${rsP}.${parts(tokens.rs384)[2]}`,
    verifyFail(), 'RS256 with the signature of the RS384 token');
{
    const hdr = header('PS256');
    const input = `${seg(hdr)}.${seg(claims('ps256-pkcs1-sig'))}`;
    add('ps256-pkcs1-sig',
        `${input}.${b64u(signRaw('RS256', keys.rsa1.priv, input))}`,
        verifyFail(), 'alg PS256 with a PKCS#1 v1.5 (RS256) signature');
}
{
    const hdr = header('RS256');
    const input = `${seg(hdr)}.${seg(claims('rs256-pss-sig'))}`;
    add('rs256-pss-sig',
        `${input}.${b64u(signRaw('PS256', keys.rsa1.priv, input))}`,
        verifyFail(), 'alg RS256 with a PSS (PS256) signature');
}

// ECDSA signatures
{
    const hdr = header('ES256');
    const input = `${seg(hdr)}.${seg(claims('es256-ecdsa'))}`;
    const data = Buffer.from(input);
    const der = sign('sha256', data, { key: keys.ec256.priv,
                                       dsaEncoding: 'der' });
    add('es256-der', `${input}.${b64u(der)}`, verifyFail(),
        'ES256 with a DER (ASN.1) signature instead of R||S');
    const raw = sign('sha256', data, { key: keys.ec256.priv,
                                       dsaEncoding: 'ieee-p1363' });
    if (!verify('sha256', data, { key: keys.ec256.pub,
                                  dsaEncoding: 'ieee-p1363' }, raw)) {
        throw new Error('ES256 self-check');
    }
    const N = Buffer.from('ffffffff00000000ffffffffffffffff'
                          + 'bce6faada7179e84f3b9cac2fc632551', 'hex');
    const Z = Buffer.alloc(32);
    const R = raw.subarray(0, 32);
    const S = raw.subarray(32);
    const cases = [
        ['es256-rs-zero', Z, Z, 'r = 0, s = 0'],
        ['es256-r-zero', Z, S, 'r = 0, s valid'],
        ['es256-s-zero', R, Z, 'r valid, s = 0'],
        ['es256-rs-n', N, N, 'r = n, s = n'],
        ['es256-r-n', N, S, 'r = n, s valid'],
        ['es256-s-n', R, N, 'r valid, s = n'],
    ];
    for (const [name, r, s, about] of cases) {
        add(name, `${input}.${b64u(Buffer.concat([r, s]))}`, verifyFail(),
            `ES256 with ${about} (n: the order of P-256)`);
    }
    add('es256-sig-short', `${input}.${b64u(raw.subarray(0, 63))}`,
        verifyFail(), 'ES256 with a 63-byte signature');
    add('es256-sig-long', `${input}.${b64u(Buffer.concat([raw,
                                                          Buffer.alloc(1)]))}`,
        verifyFail(), 'ES256 with a 65-byte signature');
}

// ECDSA R||S to DER and back: r and s of every shape, all valid. A
// signature is random; sign until it has the shape.
function grind(name, alg, test, about) {
    const hdr = header(alg);
    for (let i = 0; i < 100000; ++i) {
        const c = claims(name, { jti: `jti-${name}-${i}` });
        const input = `${seg(hdr)}.${seg(c)}`;
        const sig = signRaw(alg, keys[KEY_OF_ALG[alg]].priv, input);
        const h = sig.length / 2;
        if (test(sig.subarray(0, h), sig.subarray(h))) {
            add(name, `${input}.${b64u(sig)}`, valid(), about);
            return;
        }
    }
    throw new Error(`${name}: no signature of that shape`);
}
grind('es256-r-leading-zero', 'ES256', (r) => r[0] === 0,
      'valid ES256, r < 2^248 (DER drops a leading zero byte of r)');
grind('es256-s-leading-zero', 'ES256', (r, s) => s[0] === 0,
      'valid ES256, s < 2^248 (DER drops a leading zero byte of s)');
grind('es256-r-high-bit', 'ES256', (r, s) => r[0] >= 0x80 && s[0] < 0x80,
      'valid ES256, r >= 2^255 (DER adds a zero byte to r)');
grind('es256-s-high-bit', 'ES256', (r, s) => s[0] >= 0x80 && r[0] < 0x80,
      'valid ES256, s >= 2^255 (DER adds a zero byte to s)');
grind('es384-r-leading-zero', 'ES384', (r) => r[0] === 0,
      'valid ES384, r < 2^376');
grind('es512-r-two-zero-bytes', 'ES512', (r) => r[0] === 0 && r[1] === 0,
      'valid ES512, r < 2^512 (two leading zero bytes in 66)');
grind('es512-s-top-bit', 'ES512', (r, s) => s[0] === 1,
      'valid ES512, s >= 2^520');
{
    // EdDSA with S + L: the same signature to a lax verifier (RFC 8032
    // 5.1.7 requires S < L)
    const [h, pl, s] = parts(tokens.eddsa);
    const sig = Buffer.from(s, 'base64url');
    let S = BigInt(`0x${Buffer.from(sig.subarray(32)).reverse()
                                                      .toString('hex')}`);
    S += (1n << 252n) + 27742317777372353535851937790883648493n;
    const le = Buffer.from(S.toString(16).padStart(64, '0'), 'hex').reverse();
    add('eddsa-s-plus-l', `${h}.${pl}.${b64u(Buffer.concat([
        sig.subarray(0, 32), le]))}`, verifyFail(),
        'EdDSA with S + L instead of S (malleated)');
}
{
    const hdr = header('PS256');
    const input = `${seg(hdr)}.${seg(claims('ps256-salt-zero'))}`;
    add('ps256-salt-zero', `${input}.${b64u(sign('sha256', Buffer.from(input), {
        key: keys.rsa1.priv, padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: 0 }))}`,
        verifyFail(), 'PS256 with an empty salt (JWA: salt of hash length)');
}
{
    const hdr = header('RS256');
    const input = `${seg(hdr)}.${seg(claims('rs256-sha384-digest'))}`;
    add('rs256-sha384-digest', `${input}.${b64u(sign('sha384',
                                                     Buffer.from(input),
                                                     keys.rsa1.priv))}`,
        verifyFail(), 'alg RS256 with a PKCS#1 signature over SHA-384');
}
add('header-empty', `.${rsP}.${rsS}`, parseFail(), 'empty header segment');
add('payload-empty', `${rsH}..${rsS}`, parseFail(), 'empty payload segment');

// claims of the wrong type or range, all validly signed: never accepted
// ("*": whatever the reason)
const reject = () => ({ parse: 'ok', verify: 'ok', claims: 'either',
                        check: 'invalid_token', desc: '*' });
add('nbf-huge', jws(header('RS256'), claims('nbf-huge', { nbf: 1e300 })),
    reject(), 'nbf 1e300 (must not wrap into the past)');
add('iat-huge', jws(header('RS256'), claims('iat-huge', { iat: 1e300 })),
    reject(), 'iat 1e300 (must not wrap into the past)');
add('exp-huge-negative', jws(header('RS256'),
                             claims('exp-huge-negative', { exp: -1e300 })),
    reject(), 'exp -1e300');
add('nbf-string', jws(header('RS256'),
                      claims('nbf-string', { nbf: '1700090000' })),
    reject(), 'nbf a string (a day ahead)');
add('exp-string', jws(header('RS256'),
                      claims('exp-string', { exp: '1700003600' })),
    reject(), 'exp a string');
add('iss-number', jws(header('RS256'), claims('iss-number', { iss: 42 })),
    reject(), 'iss a number');
add('iss-nul', jws(header('RS256'),
                   claims('iss-nul', { iss: `${ISS}\u0000.evil.example` })),
    parseFail(), 'iss with a NUL: the configured issuer, then ".evil.example"');
add('aud-nul', jws(header('RS256'),
                   claims('aud-nul', { aud: `${RESOURCE}\u0000.evil` })),
    parseFail(), 'aud with a NUL: the resource, then ".evil"');
add('aud-array-nul', jws(header('RS256'), claims('aud-array-nul', {
    aud: ['https://other.example/api', `${RESOURCE}\u0000.evil`] })),
    parseFail(), 'aud an array, the resource followed by a NUL and ".evil"');
add('typ-number', jws(header('RS256', { typ: 1 }), claims('typ-number')),
    { ...reject(), parse: 'either', lax_desc: '?' }, 'typ a number');
// far futures: accepted or refused, but without overflow (run under
// UBSan) and never expired by wrapping around
const anyway = () => ({ parse: 'ok', verify: 'ok', claims: 'either',
                        check: '?', desc: '?' });
add('exp-huge', jws(header('RS256'), claims('exp-huge', { exp: 1e300 })),
    anyway(), 'exp 1e300');
add('exp-1e19', jws(header('RS256'), claims('exp-1e19', { exp: 1e19 })),
    anyway(), 'exp 1e19 s: beyond apr_time_t');
add('exp-apr-max', jws(header('RS256'),
                       claims('exp-apr-max', { exp: 9223372036854 })),
    anyway(), 'exp 9223372036854 s: apr_time_t holds it, exp + skew not');
add('nbf-apr-max', jws(header('RS256'),
                       claims('nbf-apr-max', { nbf: 9223372036854 })),
    reject(), 'nbf 9223372036854 s');
add('exp-zero', jws(header('RS256'), claims('exp-zero', { exp: 0 })),
    { ...checkFail(D.expired), claims: 'either' },
    'exp 0: 1970, not "no expiry"');
add('exp-negative', jws(header('RS256'), claims('exp-negative', { exp: -1 })),
    reject(), 'exp -1: 1969 (expired, or refused as out of range)');

// claims
add('iss-wrong', jws(header('RS256'), claims('iss-wrong',
                                             { iss: 'https://evil.example' })),
    checkFail(D.issuer), 'iss of another authorization server');
add('iss-missing', jws(header('RS256'), claims('iss-missing', {}, ['iss'])),
    claimsFail(D.issuer), 'no iss');
add('aud-missing', jws(header('RS256'), claims('aud-missing', {}, ['aud'])),
    checkFail(D.audience), 'no aud');
add('aud-other', jws(header('RS256'),
                     claims('aud-other',
                            { aud: 'https://mcp.example.com/other' })),
    checkFail(D.audience), 'aud of another resource');
add('aud-array', jws(header('RS256'),
                     claims('aud-array',
                            { aud: ['https://other.example/api', RESOURCE] })),
    valid(), 'aud an array that holds the resource');
add('aud-array-other', jws(header('RS256'),
                           claims('aud-array-other',
                                  { aud: ['https://other.example/api'] })),
    checkFail(D.audience), 'aud an array without the resource');
add('expired', jws(header('RS256'),
                   claims('expired', { exp: IAT - 1000 })),
    { ...checkFail(D.expired), claims: 'either' },
    'exp before iat, long past');
add('expired-within-skew', jws(header('RS256'),
                               claims('expired-within-skew',
                                      { iat: IAT - 3600, exp: NOW - 20 })),
    valid(), 'exp 20 s ago, skew 30 s');
add('nbf-future', jws(header('RS256'),
                      claims('nbf-future', { nbf: IAT + 1000 })),
    checkFail(D.notYet), 'nbf 900 s after now');
add('nbf-past', jws(header('RS256'), claims('nbf-past', { nbf: IAT })),
    valid(), 'nbf = iat, before now');
add('iat-future', jws(header('RS256'),
                      claims('iat-future', { iat: IAT + 1000,
                                             exp: IAT + 4600 })),
    claimsFail(D.notYet), 'iat 900 s after now');
add('iat-within-skew', jws(header('RS256'),
                           claims('iat-within-skew', { iat: NOW + 20 })),
    valid(), 'iat 20 s after now, skew 30 s');
add('exp-missing', jws(header('RS256'), claims('exp-missing', {}, ['exp'])),
    claimsFail(D.noExpiry), 'no exp');
add('scope-other', jws(header('RS256'),
                       claims('scope-other', { scope: 'mcp:read openid' })),
    checkFail(D.scope, 'insufficient_scope'), 'scope without mcp:tools');
add('scope-missing', jws(header('RS256'),
                         claims('scope-missing', {}, ['scope'])),
    checkFail(D.scope, 'insufficient_scope'), 'no scope, no scp');
add('scope-several', jws(header('RS256'),
                         claims('scope-several',
                                { scope: 'openid mcp:tools mcp:admin' })),
    valid(), 'scope of three words');
add('scp-array', jws(header('RS256'),
                     claims('scp-array', { scp: ['mcp:tools', 'mcp:admin'] },
                            ['scope'])),
    valid(), 'scp an array instead of scope');
add('scp-string', jws(header('RS256'),
                      claims('scp-string', { scp: 'mcp:tools mcp:admin' },
                             ['scope'])),
    valid(), 'scp a string instead of scope');
add('azp', jws(header('RS256'),
               claims('azp', { azp: 'client-azp' }, ['client_id'])),
    valid(), 'azp instead of client_id');
add('client-id-and-azp', jws(header('RS256'),
                             claims('client-id-and-azp',
                                    { azp: 'client-azp' })),
    valid(), 'client_id and azp: client_id wins');

// typ: [name, typ, accepted when strict, accepted when lax (the default:
// what real providers send)]
for (const [name, typ, ok, lax] of [['typ-application', 'application/at+jwt', 1, 1],
                                    ['typ-upper', 'AT+JWT', 1, 1],
                                    ['typ-application-mixed',
                                     'Application/At+Jwt', 1, 1],
                                    ['typ-jwt', 'JWT', 0, 1],
                                    ['typ-dpop', 'dpop+jwt', 0, 0],
                                    ['typ-at-jwt-space', 'at+jwt ', 0, 0],
                                    ['typ-missing', undefined, 0, 1]]) {
    add(name, jws(header('RS256', { typ }), claims(name)),
        ok ? valid() : lax ? { ...claimsFail(D.jwtType), lax_desc: null }
                           : claimsFail(D.jwtType),
        typ === undefined ? 'no typ' : `typ "${typ}"`);
}

// form
add('dup-aud-payload', jws(header('RS256'),
                           JSON.stringify(claims('dup-aud-payload'))
                               .replace(/}$/, ',"aud":"https://evil.example"}')),
    parseFail(), 'two "aud" members in the payload (validly signed)');
add('dup-alg-header', jws(`{"alg":"RS256","typ":"at+jwt","kid":"rsa1",`
                          + '"alg":"none"}', claims('dup-alg-header'),
                          'rsa1', 'RS256'),
    parseFail(), 'two "alg" members in the header (validly signed)');
add('segments-2', `${rsH}.${rsP}`, parseFail(), 'two segments');
add('segments-4', `${rs256}.${rsS}`, parseFail(), 'four segments');
add('segments-5', `${rsH}.${b64u(Buffer.alloc(256, 1))}.${b64u(Buffer.alloc(
    12, 2))}.${rsP}.${b64u(Buffer.alloc(16, 3))}`, parseFail(),
    'five segments (JWE compact form)');
add('b64-plus', `${rsH}.${rsP}.${withChar(rsS, 10, '+')}`, parseFail(),
    '\'+\' in the signature');
add('b64-slash', `${rsH}.${rsP}.${withChar(rsS, 10, '/')}`, parseFail(),
    '\'/\' in the signature');
add('b64-padding', `${rs256}==`, parseFail(),
    'the valid RS256 signature with base64 padding "=="');
add('b64-star', `${rsH}.${rsP.slice(0, 20)}*${rsP.slice(20)}.${rsS}`,
    parseFail(), '\'*\' in the payload');
add('b64-space', `${rsH}.${rsP}.${withChar(rsS, 10, ' ')}`, parseFail(),
    'a space in the signature');
add('trailing-newline', `${rs256}\n`, parseFail(),
    'the valid RS256 token and a newline');
{
    // 256 bytes: 342 characters, the last one carries 4 unused bits
    const last = rsS[rsS.length - 1];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
                     + '0123456789-_';
    const v = alphabet.indexOf(last);
    if (rsS.length !== 342 || (v & 15) !== 0) {
        throw new Error('unexpected RS256 signature encoding');
    }
    add('b64-noncanonical', `${rsH}.${rsP}.${rsS.slice(0, -1)}${
        alphabet[v | 1]}`, parseFail(),
        'the valid RS256 signature with an unused trailing bit set');
}
add('payload-trailing-data', jws(header('RS256'),
                                 `${JSON.stringify(claims('trailing'))}x`),
    parseFail(), 'payload JSON followed by "x" (validly signed)');
add('payload-two-objects', jws(header('RS256'),
                               `${JSON.stringify(claims('two'))}{}`),
    parseFail(), 'payload JSON followed by "{}" (validly signed)');
add('payload-array', jws(header('RS256'), `[${JSON.stringify(claims('arr'))}]`),
    parseFail(), 'payload a JSON array (validly signed)');
add('payload-not-json', jws(header('RS256'), 'not json'),
    parseFail(), 'payload not JSON (validly signed)');
add('payload-deep', jws(header('RS256'), JSON.stringify(claims('deep'))
                        .replace(/}$/, `,"x":${'['.repeat(40)}${
                            ']'.repeat(40)}}`)),
    parseFail(), 'payload nested 41 deep (validly signed)');
add('header-array', jws('[{"alg":"RS256","typ":"at+jwt","kid":"rsa1"}]',
                        claims('header-array'), 'rsa1', 'RS256'),
    parseFail(), 'header a JSON array');
add('alg-missing', jws({ typ: 'at+jwt', kid: 'rsa1' }, claims('alg-missing'),
                       'rsa1', 'RS256'),
    verifyFail('fail', 'either'), 'no alg (signed with RS256)');
add('alg-number', jws({ alg: 256, typ: 'at+jwt', kid: 'rsa1' },
                      claims('alg-number'), 'rsa1', 'RS256'),
    verifyFail('fail', 'either'), 'alg a number (signed with RS256)');
add('crit-unknown', jws(header('RS256', { crit: ['urn:example:bound'],
                                          'urn:example:bound': true }),
                        claims('crit-unknown')),
    verifyFail('fail', 'either'),
    'crit names an extension nobody understands (RFC 7515 4.1.11)');

// --- write ------------------------------------------------------------------

for (const f of readdirSync(DIR)) {
    if (f.endsWith('.jwt') || (f.startsWith('jwks') && f.endsWith('.json'))) {
        unlinkSync(new URL(f, DIR));
    }
}
for (const [file, doc] of Object.entries(jwks)) {
    writeFileSync(new URL(file, DIR), `${JSON.stringify(doc, null, 1)}\n`);
}
for (const [name, token] of Object.entries(tokens)) {
    writeFileSync(new URL(`${name}.jwt`, DIR), token);
}
for (const r of rows) {
    const file = r.file || `${r.name}.jwt`;
    if (!existsSync(new URL(file, DIR))) {
        throw new Error(`${r.name}: no ${file}`);
    }
}

// Self-check: every token expected to verify does verify with node.
for (const r of rows.filter((x) => x.verify === 'ok')) {
    const t = readFileSync(new URL(r.file || `${r.name}.jwt`, DIR), 'utf8');
    const [h, pl, s] = parts(t);
    const hdr = JSON.parse(Buffer.from(h, 'base64url'));
    const set = jwks[r.jwks || 'jwks.json'];
    const jwk = set.keys.find((k) => hdr.kid === undefined
        ? set.keys.length === 1 : k.kid === hdr.kid);
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    const hash = HASH[hdr.alg.slice(2)];
    const data = Buffer.from(`${h}.${pl}`);
    const sig = Buffer.from(s, 'base64url');
    const ok = hdr.alg === 'EdDSA' ? verify(null, data, key, sig)
        : hdr.alg.startsWith('PS') ? verify(hash, data, {
            key, padding: constants.RSA_PKCS1_PSS_PADDING,
            saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, sig)
            : hdr.alg.startsWith('ES') ? verify(hash, data, {
                key, dsaEncoding: 'ieee-p1363' }, sig)
                : verify(hash, data, key, sig);
    if (!ok) {
        throw new Error(`${r.name}: does not verify`);
    }
}

const manifest = {
    about: 'Generated by make-fixtures.mjs; read by tests/unit/test_jwt.c',
    context: { now: NOW, skew: 30, resource: RESOURCE, issuer: ISS,
               scope: 'mcp:tools', max_len: 8192, jwks: 'jwks.json' },
    tokens: rows,
};
// one row a line, so that a diff shows which expectation changed
writeFileSync(new URL('manifest.json', DIR), `{"about":${
    JSON.stringify(manifest.about)},\n"context":${
    JSON.stringify(manifest.context)},\n"tokens":[\n${
    rows.map((r) => JSON.stringify(r)).join(',\n')}\n]}\n`);
console.log(`${Object.keys(tokens).length} tokens, ${rows.length} manifest `
            + `rows, ${Object.keys(jwks).length} JWK Sets`);
