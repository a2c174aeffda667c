// Shared basics for the integration tests: paths, free ports, waiting, and a
// registry of every process a test file started, so that each one is stopped
// by its PID even when a test throws or the test process is interrupted.
import net from 'node:net';
import { mkdtempSync, chmodSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const MODULE_SO = process.env.MCP_MODULE_SO || path.join(REPO, '.libs/mod_mcp_auth.so');

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Base directory of this run: run.sh exports MCP_IT_TMP (mode 0755) so that
// 090-no-secrets can read every log of the run.  Apache children run as
// www-data, so every directory on the way must be searchable (0755).
export function runBase() {
  let base = process.env.MCP_IT_TMP;
  if (!base) {
    base = mkdtempSync(path.join(tmpdir(), 'mcp-it-'));
    process.env.MCP_IT_TMP = base;
  }
  chmodSync(base, 0o755);
  return base;
}

export function makeRunDir(name) {
  const dir = mkdtempSync(path.join(runBase(), `${name}-`));
  chmodSync(dir, 0o755);
  mkdirSync(path.join(dir, 'htdocs'), { mode: 0o755 });
  chmodSync(path.join(dir, 'htdocs'), 0o755);
  return dir;
}

// A port that is free on 127.0.0.1 right now.
export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export async function freePorts(n) {
  const ports = new Set();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

export function portOpen(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

// Wait until the port accepts connections; `alive()` returning false stops early.
export async function waitForPort(port, { timeoutMs = 10000, alive = () => true, what = `port ${port}` } = {}) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await portOpen(port)) return;
    if (!alive()) throw new Error(`${what} exited before listening`);
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

// ---- started processes ---------------------------------------------------
// Each entry: { pid, group, name }.  group=true: the process leads its own
// process group (Apache under setsid), and the group is signalled.
const started = new Map();

export function track(pid, name, { group = false } = {}) {
  started.set(pid, { pid, name, group });
}

export function untrack(pid) {
  started.delete(pid);
}

function signal(entry, sig) {
  try {
    process.kill(entry.group ? -entry.pid : entry.pid, sig);
  } catch { /* already gone */ }
}

// Last resort, synchronous: on exit every process still registered is killed.
process.on('exit', () => {
  for (const entry of started.values()) signal(entry, 'SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(sig, () => {
    for (const entry of started.values()) signal(entry, 'SIGTERM');
    process.exit(130);
  });
}

// Stop a child process: SIGTERM, wait, then SIGKILL.
export async function stopChild(child, { name = 'process', group = false, timeoutMs = 8000 } = {}) {
  if (!child || child.exitCode !== null || child.signalCode !== null) {
    untrack(child?.pid);
    return;
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  signal({ pid: child.pid, group }, 'SIGTERM');
  const t = setTimeout(() => signal({ pid: child.pid, group }, 'SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(t);
  untrack(child.pid);
}

// PIDs of the processes whose parent is ppid.
export function childPids(ppid) {
  const out = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...; comm may contain spaces and parentheses.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[1]) === ppid) out.push(Number(entry));
    } catch { /* gone meanwhile */ }
  }
  return out;
}
