#!/usr/bin/env node
// TLS front for the development authorization servers, for the benchmark
// only: mod_auth_openidc 2.4.12.3 accepts nothing but https URLs for its
// introspection endpoint and JWK Set, and dev/authserver.mjs speaks plain
// http.  Each listener terminates TLS (a self-signed certificate; the
// module runs with OIDCOAuthSSLValidateServer Off) and passes the request
// on to its authorization server, unchanged.  Loopback only.
//
//   node bench/tls-proxy.mjs <cert.pem> <key.pem> <listen-port>=<target-port> ...
import https from 'node:https';
import http from 'node:http';
import { readFileSync } from 'node:fs';

const [certFile, keyFile, ...routes] = process.argv.slice(2);
if (!certFile || !keyFile || routes.length === 0) {
  console.error('usage: tls-proxy.mjs <cert.pem> <key.pem> <listen-port>=<target-port> ...');
  process.exit(2);
}
const tls = { cert: readFileSync(certFile), key: readFileSync(keyFile) };
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

for (const route of routes) {
  const m = /^(\d+)=(\d+)$/.exec(route);
  if (!m) {
    console.error(`tls-proxy: ${route}: expected <listen-port>=<target-port>`);
    process.exit(2);
  }
  const [listen, target] = [Number(m[1]), Number(m[2])];
  const server = https.createServer(tls, (req, res) => {
    const up = http.request({
      host: '127.0.0.1', port: target, method: req.method, path: req.url,
      headers: req.headers, agent,
    }, (upRes) => {
      res.writeHead(upRes.statusCode, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', (err) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`tls-proxy: ${err.code ?? err.message}\n`);
    });
    req.pipe(up);
  });
  server.on('error', (err) => {
    console.error(`tls-proxy: cannot listen on 127.0.0.1:${listen}: ${err.code ?? err.message}`);
    process.exit(1);
  });
  server.listen(listen, '127.0.0.1', () => console.log(`tls-proxy: https://127.0.0.1:${listen} -> http://127.0.0.1:${target}`));
}

const stop = () => process.exit(0);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
