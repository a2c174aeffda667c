#!/usr/bin/env python3
"""make-seeds.py: write the seed corpora of tests/fuzz/corpus/<target>/ and
the dictionaries of tests/fuzz/dict/. Run from anywhere; the files are
committed, so this is only needed to change them. JWTs and key sets come
from tests/data/jwt/ (written by make-fixtures.mjs)."""
import base64
import glob
import json
import os
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
JWT = os.path.join(TOP, "tests", "data", "jwt")


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def put(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def js(o):
    return json.dumps(o, separators=(",", ":"))


for t in ["bearer", "jwt", "jwks", "discovery", "introspect", "rpc", "sse",
          "resource", "cache", "json"]:
    shutil.rmtree(os.path.join(HERE, "corpus", t), ignore_errors=True)

rs256 = open(os.path.join(JWT, "rs256.jwt")).read().strip()

# ---- bearer -----------------------------------------------------------------
for i, s in enumerate([
    "Bearer " + rs256, "Bearer mF_9.B5f-4.1JqM", "bearer abc~+/==",
    "BEARER  2YotnFZFEjr1zCsicMWpAA  ", "Bearer", "Bearer ", "Bearerx y",
    "Basic dXNlcjpwYXNz", "Bearer a b", "Bearer a, Bearer b",
    "Bearer a=b", "\tBearer\ttok", "Bearer tok\t", "Bearer =",
    "a=1&access_token=x", "access%5Ftoken", "x=1;access_token",
    "access_token=&b=2", "acc%65ss_token=1", "access+token=1", "%",
    "application/json", "Application/JSON; charset=utf-8",
    "application/jsonx", "text/event-stream;q=1", "application/json ",
    "mcp:tools files:read  openid", "AAAAAAAAAAAAAAAAAAAAAA",
    "eyJhbGciOiJSUzI1NiJ9", "QQ", "QR", "QUI", "QUJD", "A", "-_",
]):
    put("bearer", "%02d" % i, s)

# ---- jwt ------------------------------------------------------------------------
for f in sorted(glob.glob(os.path.join(JWT, "*.jwt"))):
    put("jwt", os.path.basename(f)[:-4], open(f, "rb").read().strip())
H = {"alg": "RS256", "typ": "at+jwt", "kid": "rsa1"}
P = {"iss": "https://as.example.com", "sub": "alice", "client_id": "c1",
     "aud": "https://mcp.example.com/mcp", "scope": "mcp:tools",
     "iat": 1700000000, "exp": 1700003600}
structured = {
    "s-valid": (H, P),
    "s-aud-array": (H, dict(P, aud=["x", "https://MCP.example.com:443/mcp"])),
    "s-scp-array": (H, dict(P, scope=None, scp=["mcp:tools", "a"])),
    "s-azp": (dict(H, typ="application/AT+JWT"), dict(P, client_id=None, azp="z")),
    "s-nbf": (H, dict(P, nbf=1700000200)),
    "s-exp-float": (H, dict(P, exp=1700003600.5)),
    "s-exp-big": (H, dict(P, exp=1e300)),
    "s-iat-future": (H, dict(P, iat=1800000000)),
    "s-crit": (dict(H, crit=["exp"]), P),
    "s-es256": ({"alg": "ES256", "kid": "ec256", "typ": "at+jwt"}, P),
    "s-eddsa": ({"alg": "EdDSA", "typ": "at+jwt"}, P),
    "s-none": ({"alg": "none"}, P),
    "s-tenant": (H, dict(P, tenant={"id": 7, "name": "t"},
                         realm_access={"roles": ["a", "b"]})),
}
for name, (h, p) in structured.items():
    h = {k: v for k, v in h.items() if v is not None}
    p = {k: v for k, v in p.items() if v is not None}
    put("jwt", name, js(h).encode() + b"\0" + js(p).encode() + b"\0" + b"\x01" * 64)

# ---- jwks -----------------------------------------------------------------------
for f in sorted(glob.glob(os.path.join(JWT, "jwks*.json"))):
    put("jwks", os.path.basename(f)[:-5], open(f, "rb").read())
keys = json.load(open(os.path.join(JWT, "jwks.json")))["keys"]
for k in keys:
    put("jwks", "one-" + k["kid"], js({"keys": [k]}))
put("jwks", "ec-no-y", js({"keys": [{k: v for k, v in keys[1].items() if k != "y"}]}))
put("jwks", "ec-x-short", js({"keys": [dict(keys[1], x="AAAA")]}))
put("jwks", "rsa-e-big", js({"keys": [dict(keys[0], e=b64u(b"\xff" * 64))]}))
put("jwks", "okp-x448", js({"keys": [dict(keys[4], crv="Ed448")]}))

# ---- discovery ------------------------------------------------------------------
ISS = "https://as.example.com"
md = {"issuer": ISS, "jwks_uri": ISS + "/jwks",
      "introspection_endpoint": ISS + "/introspect",
      "authorization_endpoint": ISS + "/authorize",
      "token_endpoint": ISS + "/token", "scopes_supported": ["mcp:tools"],
      "response_types_supported": ["code"],
      "code_challenge_methods_supported": ["S256"]}
for i, d in enumerate([
    md, {"issuer": ISS}, dict(md, issuer=ISS + "/"),
    dict(md, issuer=ISS + "/tenant/a", jwks_uri=ISS + "/tenant/a/keys"),
    dict(md, jwks_uri="http://as.example.com/jwks"),
    dict(md, jwks_uri="https://user:pw@as.example.com/jwks"),
    dict(md, jwks_uri="https://as.example.com:99999/jwks"),
    dict(md, introspection_endpoint="https://as.example.com/i#frag"),
    dict(md, jwks_uri=7), dict(md, jwks_uri=None), ["issuer", ISS],
]):
    put("discovery", "%02d" % i, json.dumps(d, indent=1))
put("discovery", "dup", '{"issuer":"%s","issuer":"https://evil"}' % ISS)
put("discovery", "nul", '{"issuer":"%s\\u0000x"}' % ISS)

# ---- introspect -----------------------------------------------------------------
act = {"active": True, "sub": "alice", "client_id": "c1", "username": "al",
       "iss": ISS, "token_type": "Bearer", "scope": "mcp:tools files:read",
       "aud": "https://mcp.example.com/mcp", "exp": 1700003600,
       "nbf": 1700000000, "iat": 1700000000}
for i, d in enumerate([
    act, {"active": False}, {"active": "true"}, {},
    dict(act, aud=["https://mcp.example.com/mcp", "api://x"]),
    dict(act, aud=["a"] * 40), dict(act, exp=1e20), dict(act, exp=-1),
    dict(act, exp="1700003600"), dict(act, scope=None, sub=None),
    dict(act, scope=["mcp:tools"]), dict(act, tenant="t7"),
    dict(act, iss="https://other.example.com"),
]):
    put("introspect", "%02d" % i, js(d))
for sel in range(8):
    put("introspect", "sel-%d" % sel, bytes([sel]) + js(act).encode())

# ---- rpc ------------------------------------------------------------------------
def rq(method, params=None, id=1):
    m = {"jsonrpc": "2.0", "id": id, "method": method}
    if params is not None:
        m["params"] = params
    return m


rpcs = {
    "initialize": rq("initialize", {"protocolVersion": "2025-11-25",
                                    "capabilities": {}, "clientInfo":
                                    {"name": "c", "version": "1"}}),
    "initialize-old": rq("initialize", {"protocolVersion": "2024-11-05"}),
    "initialized": {"jsonrpc": "2.0", "method": "notifications/initialized"},
    "ping": rq("ping", id="p-1"),
    "tools-list": rq("tools/list", {}),
    "tools-list-cursor": rq("tools/list", {"cursor": "bogus"}),
    "tools-list-null": rq("tools/list", {"cursor": None}),
    "add": rq("tools/call", {"name": "add", "arguments": {"a": 1, "b": 2.5}}),
    "multiply": rq("tools/call", {"name": "multiply",
                                  "arguments": {"x": 1e308, "y": 10}}),
    "add-bad": rq("tools/call", {"name": "add", "arguments": {"a": "1"}}),
    "probe": rq("tools/call", {"name": "probe", "arguments": {
        "s": "a", "n": None, "i": 3, "b": True, "arr": [{"k": "v"}],
        "o": {"deep": {"x": 1}, "extra": 2}},
        "_meta": {"progressToken": "tok-1"}}),
    "probe-bad": rq("tools/call", {"name": "probe", "arguments": {
        "s": "z", "arr": [{"k": 1, "j": 2}], "o": {"extra": 1.5}}}),
    "admin": rq("tools/call", {"name": "admin_1", "arguments": {}}),
    "unknown-tool": rq("tools/call", {"name": "nope"}),
    "set-level": rq("logging/setLevel", {"level": "warning"}),
    "complete": rq("completion/complete", {"ref": {"type": "ref/prompt",
                   "name": "x"}, "argument": {"name": "a", "value": ""}}),
    "unknown": rq("resources/list", {}),
    "response": {"jsonrpc": "2.0", "id": 5, "result": {}},
    "error-response": {"jsonrpc": "2.0", "id": "x", "error":
                       {"code": -1, "message": "m"}},
    "cancelled": {"jsonrpc": "2.0", "method": "notifications/cancelled",
                  "params": {"requestId": 1}},
    "id-big": rq("ping", id=9007199254740991),
    "id-float": rq("ping", id=1.5),
    "no-version": {"id": 1, "method": "ping"},
    "batch": [rq("ping", id=1), rq("tools/list", id=2),
              {"jsonrpc": "2.0", "method": "notifications/initialized"},
              7, {"jsonrpc": "1.0"}],
    "batch-empty": [],
}
for name, m in rpcs.items():
    put("rpc", name, js(m))
put("rpc", "batch-65", js([rq("ping", id=i) for i in range(65)]))
put("rpc", "parse-error", '{"jsonrpc":"2.0",')

# ---- sse ------------------------------------------------------------------------
tl = {"jsonrpc": "2.0", "id": 2, "result": {"tools": [
    {"name": "add", "inputSchema": {"type": "object"}},
    {"name": "admin_reset", "inputSchema": {"type": "object"}},
    {"name": "get-env"}, {"name": "write_file"}, {"title": "nameless"}],
    "nextCursor": "c2"}}
tls = js(tl)
put("sse", "json", tls)
put("sse", "json-batch", js([tl, {"jsonrpc": "2.0", "id": 3, "result": {}}]))
put("sse", "event", "event: message\nid: 1\ndata: " + tls + "\n\n")
put("sse", "event-crlf", "id: 1\r\ndata: " + tls + "\r\n\r\n")
put("sse", "event-cr", "data: " + tls + "\r\r")
put("sse", "two-events", ": comment\n\ndata: {\"jsonrpc\":\"2.0\",\"method\":"
    "\"notifications/progress\"}\n\nretry: 10\ndata:" + tls + "\n\n")
put("sse", "multi-data", "data: {\"jsonrpc\":\"2.0\",\ndata: \"id\":2,\"result\":"
    "{\"tools\":[{\"name\":\"admin_x\"}]}}\n\n")
put("sse", "split-crlf", "data: " + tls + "\r")
put("sse", "no-data", "id: 7\nevent: ping\n\n")
put("sse", "bare-data", "data\ndata:\n\n")

# ---- resource -------------------------------------------------------------------
for i, s in enumerate([
    "https://mcp.example.com/mcp", "https://MCP.Example.COM:443/mcp",
    "https://mcp.example.com", "https://mcp.example.com/",
    "http://mcp.example.com:80/a/b?x=1", "https://mcp.example.com:8443/mcp",
    "https://[::1]:8443/mcp", "https://[2001:db8::1]/", "https://h/m#frag",
    "https://user@h/m", "https://h:0/", "https://h:065535/", "ftp://h/",
    "https:///path", "https://h/a b", "https://h/%2e%2e/x?y#",
    "https://mcp.example.com/mcp\napi://mcp-example\n"
    "00000000-0000-0000-0000-000000000000\nurn:x:y\nnot a uri",
    "https://mcp.example.com/mcp?\nhttps://mcp.example.com/mcp",
    "api://mcp-example", "HTTPS://mcp.example.com./mcp",
]):
    put("resource", "%02d" % i, s)

# ---- cache ----------------------------------------------------------------------
def pstr(s):
    if s is None:
        return b"\xff\xff"
    s = s.encode()
    return struct.pack(">H", len(s)) + s


def entry(verdict, reason, exp, nbf, sub, cid, iss, scopes, aud, via, kept,
          until=1700000160000000):
    b = b"M\x03" + bytes([verdict, reason])
    b += struct.pack(">qqq", until, exp, nbf)
    b += pstr(sub) + pstr(cid) + pstr(iss) + pstr(scopes)
    b += bytes([len(aud)]) + b"".join(pstr(a) for a in aud)
    b += bytes([via]) + pstr(kept)
    return b


put("cache", "ok", entry(0, 0, 1700003600000000, -1, "alice", "c1", ISS,
                         "mcp:tools files:read",
                         ["https://mcp.example.com/mcp"], 1,
                         '{"sub":"alice"}'))
put("cache", "invalid", entry(2, 3, -1, -1, None, None, None, "", [], 2, None))
put("cache", "scope", entry(4, 7, 0, 0, "", "", "", "", ["a"] * 32, 0, ""))
put("cache", "aud-33", entry(0, 0, 1, 1, "s", None, None, "", ["a"] * 33, 1,
                             None))
put("cache", "version-1", b"M\x01" + entry(0, 0, 1, 1, "s", None, None, "",
                                           [], 1, None)[2:])
put("cache", "version-2", b"M\x02" + entry(0, 0, 1, 1, "s", None, None, "",
                                           [], 1, None)[10:])
put("cache", "until-absent", entry(0, 0, 1, 1, "s", None, None, "", [], 1,
                                   None, until=-1))
put("cache", "session", js({"owner": '"iss" "sub"', "version": "2025-11-25",
                            "created": 1700000000000000,
                            "used": 1700000100000000, "level": "info"}))
put("cache", "session-nolevel", js({"owner": "o", "version": "2025-03-26",
                                    "created": 0, "used": 0}))
put("cache", "session-bad-level", js({"owner": "o", "version": "v",
                                      "created": 1, "used": 1,
                                      "level": "loud"}))

# ---- json -----------------------------------------------------------------------
docs = {
    "object": '{"a":1,"b":[true,false,null],"c":{"d":"e\\u00e9\\ud83d\\ude00"}}',
    "numbers": "[0,-0,1e308,1e-308,-1.5e10,9007199254740993,1E+2,0.1]",
    "deep32": "[" * 32 + "]" * 32,
    "deep33": "[" * 33 + "]" * 33,
    "dup": '{"a":1,"a":2}',
    "dup-nested": '[{"x":{"y":1,"y":1}}]',
    "dup-17": "{" + ",".join('"k%d":%d' % (i, i) for i in range(17)) + ',"k3":0}',
    "many-20": "{" + ",".join('"k%d":%d' % (i, i) for i in range(20)) + "}",
    "nul": '"a\\u0000b"',
    "escaped-nul": '"a\\\\u0000b"',
    "trailing": '{"a":1} x',
    "trailing-ws": '{"a":1} \r\n\t',
    "two": "1 2",
    "string": '"\\"\\\\\\/\\b\\f\\n\\r\\t"',
    "brackets-in-string": '{"a":"[[[[{{{{"}',
    "close-first": "]]]][[[[1]]]]",
}
for name, d in docs.items():
    put("json", name, d)
for sel in range(8):
    put("json", "depth-%d" % sel, bytes([sel]) + b"[[[[[{\"a\":[1]}]]]]]")

# ---- dictionaries ---------------------------------------------------------------
def dictionary(name, words):
    d = os.path.join(HERE, "dict")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name + ".dict"), "w") as f:
        for w in words:
            # libFuzzer dictionary syntax: "...", with \\, \" and \xNN
            f.write('"' + "".join(
                c if 0x20 <= ord(c) < 0x7f and c not in '"\\'
                else "\\x%02x" % ord(c) for c in w) + '"\n')


JSON_TOKENS = ["{", "}", "[", "]", ":", ",", '""', "true", "false", "null",
               "\\u0000", "\\ud800", "\\\\", "1e999", "-0", "0.5", "\\n"]
dictionary("json", JSON_TOKENS)
dictionary("jwt", JSON_TOKENS + [
    '"alg"', '"kid"', '"typ"', '"crit"', '"jku"', '"x5c"', '"iss"', '"sub"',
    '"aud"', '"exp"', '"nbf"', '"iat"', '"scope"', '"scp"', '"client_id"',
    '"azp"', '"RS256"', '"PS512"', '"ES256"', '"ES512"', '"EdDSA"', '"none"',
    '"at+jwt"', '"application/at+jwt"', '"https://as.example.com"',
    '"https://mcp.example.com/mcp"', '"mcp:tools"', "1700000000", "eyJ", "."])
dictionary("jwks", JSON_TOKENS + [
    '"keys"', '"kty"', '"RSA"', '"EC"', '"OKP"', '"oct"', '"crv"',
    '"P-256"', '"P-384"', '"P-521"', '"Ed25519"', '"x"', '"y"', '"n"',
    '"e"', '"d"', '"k"', '"use"', '"sig"', '"enc"', '"alg"', '"kid"',
    '"AQAB"', '"AA"'])
dictionary("discovery", JSON_TOKENS + [
    '"issuer"', '"jwks_uri"', '"introspection_endpoint"',
    '"https://as.example.com"', "https://", "http://", "@", "#", ":443",
    "/tenant/a"])
dictionary("introspect", JSON_TOKENS + [
    '"active"', '"sub"', '"client_id"', '"username"', '"iss"',
    '"token_type"', '"scope"', '"aud"', '"exp"', '"nbf"', '"iat"',
    '"https://mcp.example.com/mcp"', '"https://as.example.com"',
    '"mcp:tools"', "253402300799", "1700000000"])
dictionary("rpc", JSON_TOKENS + [
    '"jsonrpc"', '"2.0"', '"id"', '"method"', '"params"', '"result"',
    '"error"', '"initialize"', '"ping"', '"tools/list"', '"tools/call"',
    '"logging/setLevel"', '"completion/complete"', '"name"', '"arguments"',
    '"cursor"', '"_meta"', '"progressToken"', '"protocolVersion"',
    '"2025-11-25"', '"2025-03-26"', '"level"', '"ref"', '"argument"',
    '"add"', '"multiply"', '"probe"', '"admin_1"', '"t100"', '"a"', '"b"',
    '"x"', '"y"', '"s"', '"n"', '"i"', '"arr"', '"o"', '"deep"', '"k"',
    "9007199254740991", "1e308"])
dictionary("sse", JSON_TOKENS + [
    "data:", "data: ", "event:", "id:", "retry:", ":", "\n", "\r", "\r\n",
    "\n\n", '"tools"', '"name"', '"result"', '"admin_x"', '"get-env"',
    '"write"', '"add"', '"jsonrpc"'])
dictionary("resource", [
    "https://", "http://", "HTTPS://", ":443", ":80", ":8443", ":0", "[::1]",
    "[", "]", "?", "#", "%2e", "@", "/", "//", "api://", "urn:", "\n",
    "00000000-0000-0000-0000-000000000000", "mcp.example.com", "/mcp"])
dictionary("bearer", [
    "Bearer ", "bearer", " ", "\t", "=", "==", "&", ";", "access_token",
    "%5F", "+", "%", "application/json", "text/event-stream", "; charset="])
