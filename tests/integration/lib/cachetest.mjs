// Shared pieces of the verdict cache tests (080-, 085-): the configuration
// snippets they add, the mod_status counters, which processes served which
// requests, and the warnings of cache trouble.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { sleep, childPids } from './env.mjs';

export { childPids };

// A second access log with the PID of the serving process (%P), relative to
// ServerRoot (the run directory), and mod_status at /server-status.
export const PID_LOG = `LogFormat "%P %>s %m %U" mcppid
CustomLog "pids.log" mcppid`;
export const STATUS_LOCATION = `<Location /server-status>
  SetHandler server-status
</Location>`;

export const COUNTERS = {
  hits: 'MCPAuthCacheHits',
  negativeHits: 'MCPAuthCacheNegativeHits',
  localHits: 'MCPAuthCacheLocalHits',
  misses: 'MCPAuthCacheMisses',
  validations: 'MCPAuthValidations',
  errors: 'MCPAuthCacheErrors',
  flightWaits: 'MCPAuthFlightWaits',
};

// The module's counters from /server-status?auto: { hits, negativeHits, ... }.
// Throws when one is missing or not a number.
export async function counters(httpd, port) {
  const st = await httpd.serverStatus(port);
  const out = {};
  for (const [k, line] of Object.entries(COUNTERS)) {
    if (typeof st[line] !== 'number') {
      throw new Error(`/server-status?auto of ${httpd.name} has no "${line}: N" line (got ${JSON.stringify(st[line])}); keys: ${Object.keys(st).join(', ')}`);
    }
    out[k] = st[line];
  }
  return out;
}

export function delta(after, before) {
  const out = {};
  for (const k of Object.keys(COUNTERS)) out[k] = after[k] - before[k];
  return out;
}

// Lines of pids.log as { pid, status, method, path }.
export function pidLog(httpd) {
  const file = path.join(httpd.run, 'pids.log');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => {
    const [pid, status, method, p] = l.split(' ');
    return { pid: Number(pid), status: Number(status), method, path: p };
  });
}

// The pids.log entries after the first `from` for `urlPath`, once there are
// `count` of them (lines are written after the response; wait up to 3 s).
export async function servedBy(httpd, from, urlPath, count) {
  let lines = [];
  for (let i = 0; i < 60; i++) {
    lines = pidLog(httpd).slice(from).filter((l) => l.path === urlPath);
    if (lines.length >= count) break;
    await sleep(50);
  }
  return lines;
}

// Error log lines at level warn that carry a cache trouble tag (MCP004xx).
export const cacheWarnings = (text) => text.split('\n').filter((l) => /:warn\]/.test(l) && /\bMCP004\d\d\b/.test(l));
// Error log lines of this module at level warn.
export const moduleWarnings = (text) => text.split('\n').filter((l) => /\[mcp_auth:warn\]/.test(l));
// Error log lines of this module at level error or worse.
export const moduleErrors = (text) => text.split('\n').filter((l) => /\[mcp_auth:(error|crit|alert|emerg)\]/.test(l));
