#!/usr/bin/env node
// Small clients for bench/run.
//
//   node bench/client.mjs mint <issuer> <resource> <count> <file>
//       <count> access tokens from the client_credentials grant of the
//       development authorization server's test client (test-cc, scope
//       mcp:tools, for <resource>), one a line into <file>; all distinct.
//   node bench/client.mjs burst <url> <token> <count>
//       <count> concurrent tools/call add requests, each on a connection of
//       its own, all with <token>; prints {"statuses":{...},"ok":N} (ok:
//       200 with the result 5).
import { writeFileSync } from 'node:fs';
import http from 'node:http';

const BODY = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'add', arguments: { a: 2, b: 3 } } });
const [cmd, ...args] = process.argv.slice(2);

async function mint(issuer, resource, count, file) {
  const auth = `Basic ${Buffer.from('test-cc:test-cc-secret').toString('base64')}`;
  const tokens = new Set();
  let asked = 0;
  const worker = async () => {
    while (asked < count) {
      asked += 1;
      const res = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope: 'mcp:tools' }),
      });
      const body = await res.json();
      if (res.status !== 200 || !body.access_token) {
        throw new Error(`token request for ${resource} at ${issuer}: ${res.status} ${JSON.stringify(body)}`);
      }
      tokens.add(body.access_token);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  if (tokens.size !== count) throw new Error(`${tokens.size} distinct tokens out of ${count}`);
  writeFileSync(file, `${[...tokens].join('\n')}\n`, { mode: 0o600 });
}

// One request on a connection of its own (agent: false).
function call(url, token) {
  return new Promise((resolve) => {
    const req = http.request(url, {
      method: 'POST',
      agent: false,
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        authorization: `Bearer ${token}`,
        'content-length': Buffer.byteLength(BODY),
      },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (err) => resolve({ status: `error ${err.code ?? err.message}`, text: '' }));
    });
    req.on('error', (err) => resolve({ status: `error ${err.code ?? err.message}`, text: '' }));
    req.end(BODY);
  });
}

async function burst(url, token, count) {
  const results = await Promise.all(Array.from({ length: count }, () => call(url, token)));
  const statuses = {};
  let ok = 0;
  for (const r of results) {
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    if (r.status === 200 && r.text.includes('"text":"5"')) ok += 1;
  }
  console.log(JSON.stringify({ statuses, ok }));
}

try {
  if (cmd === 'mint' && args.length === 4) {
    await mint(args[0], args[1], Number(args[2]), args[3]);
  } else if (cmd === 'burst' && args.length === 3) {
    await burst(args[0], args[1], Number(args[2]));
  } else {
    console.error('usage: client.mjs mint <issuer> <resource> <count> <file> | burst <url> <token> <count>');
    process.exit(2);
  }
} catch (err) {
  console.error(`client.mjs ${cmd}: ${err.message}`);
  process.exit(1);
}
