// What every test file needs around its servers: one place that remembers
// what was started (stopped in reverse order, also from after()), which log
// files they write, and which tokens and secrets were used.
import { Secrets, scanLogs } from './secrets.mjs';
import { runBase } from './env.mjs';
import { RS_CLIENT_ID, RS_CLIENT_SECRET, TEST_CLIENT_SECRET } from './authserver.mjs';

export function fileSuite(name) {
  const secrets = new Secrets();
  secrets.add(RS_CLIENT_SECRET, 'the introspection client secret');
  secrets.add(TEST_CLIENT_SECRET, 'the test client secret');
  secrets.basic(RS_CLIENT_ID, RS_CLIENT_SECRET);
  secrets.basic('test-cc', TEST_CLIENT_SECRET);
  secrets.basic('test-cc-short', TEST_CLIENT_SECRET);
  secrets.basic('test-cc-typjwt', TEST_CLIENT_SECRET);
  const stops = [];
  const logs = [];
  let stopped = false;

  return {
    name,
    secrets,
    // Register a started server: { stop() } and the log files it writes.
    started(server, logFiles = []) {
      stops.push(() => server.stop());
      logs.push(...logFiles);
      return server;
    },
    addLogs(...files) { logs.push(...files); },
    async stopAll() {
      while (stops.length) {
        try { await stops.pop()(); } catch (err) { console.error(`stop failed: ${err.message}`); }
      }
    },
    // Stop everything, save the secrets for 090-no-secrets, return findings.
    async secretFindings() {
      await this.stopAll();
      if (!stopped) secrets.save(runBase(), name);
      stopped = true;
      return scanLogs(logs, secrets.list());
    },
  };
}
