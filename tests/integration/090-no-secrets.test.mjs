// Last: sweep every log of this run (Apache error logs at LogLevel trace8,
// access logs, authorization server output, SDK client output) for every
// token and secret any test file used.  run.sh runs the files one at a time,
// in order, with MCP_IT_TMP pointing at the run's directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { logFilesUnder, secretsUnder, scanLogs } from './lib/secrets.mjs';

const base = process.env.MCP_IT_TMP;
// run.sh sets MCP_IT_FULL=1 when it runs every file: then the sweep must have
// found the logs and tokens of all of them, or it proves nothing.
const full = process.env.MCP_IT_FULL === '1';

test('the earlier test files left Apache error logs written at LogLevel trace8', { skip: !base && 'run through tests/integration/run.sh' }, () => {
  const errorLogs = logFilesUnder(base).filter((f) => path.basename(f) === 'error.log');
  assert.ok(errorLogs.length >= (full ? 6 : 1), `error logs found: ${errorLogs.join(', ')}`);
  // every Apache ran at trace8 (its configuration says so; a prefork
  // server may have nothing to say at that level), and trace8 lines were
  // written
  for (const f of errorLogs) {
    const conf = path.join(path.dirname(f), 'httpd.conf');
    assert.match(readFileSync(conf, 'utf8'), /^LogLevel\s+trace8\b/m, `${conf} is not at trace8`);
  }
  assert.ok(errorLogs.some((f) => /:trace8\]/.test(readFileSync(f, 'utf8'))), 'no trace8 line in any error log');
});

test('no token, secret or Authorization value in any log of the run', { skip: !base && 'run through tests/integration/run.sh' }, () => {
  const secrets = secretsUnder(base);
  if (full) {
    assert.ok(secrets.length >= 40, `only ${secrets.length} secrets were recorded`);
    assert.ok(secrets.some((s) => s.label === 'SDK access token'), 'the SDK flow recorded its access token');
  }
  const files = logFilesUnder(base);
  assert.deepEqual(scanLogs(files, secrets), []);
});
