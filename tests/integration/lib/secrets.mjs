// Keep track of every token and secret a test file uses, and look for them in
// log files.  A test file saves its list as <dir>/<name>.secrets.json so that
// 090-no-secrets can sweep every log of the run at the end.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';

export class Secrets {
  constructor() { this.items = new Map(); }
  // Values shorter than 8 characters are not recorded (they would match by chance).
  add(value, label = 'secret') {
    if (typeof value === 'string' && value.length >= 8) this.items.set(value, label);
    return value;
  }
  // A unique fake token for the fault AS: "<behaviour>.<random>".
  fault(kind) { return this.add(`${kind}.${randomBytes(18).toString('base64url')}`, `fault token ${kind}`); }
  basic(id, secret) { return this.add(Buffer.from(`${id}:${secret}`).toString('base64'), `Basic credentials of ${id}`); }
  list() { return [...this.items].map(([value, label]) => ({ value, label })); }
  save(dir, name) {
    writeFileSync(path.join(dir, `${name}.secrets.json`), JSON.stringify(this.list()), { mode: 0o600 });
  }
}

// Every *.log file under dir, recursively.
export function logFilesUnder(dir) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir)) {
    const p = path.join(dir, entry);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...logFilesUnder(p));
    else if (entry.endsWith('.log')) out.push(p);
  }
  return out;
}

export function secretsUnder(dir) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir)) {
    const p = path.join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...secretsUnder(p));
    else if (entry.endsWith('.secrets.json')) out.push(...JSON.parse(readFileSync(p, 'utf8')));
  }
  return out;
}

const AUTH_HEADER_VALUE = /authorization\s*[:=]\s*"?\s*(bearer|basic)\s+[A-Za-z0-9._~+\/=-]{12,}/i;

// Findings: a secret (whole, or its first/last 16 characters when it is at
// least 24 long), or an "Authorization: Bearer|Basic <value>" anywhere.
export function scanLogs(files, secrets) {
  const findings = [];
  for (const file of files) {
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    for (const { value, label } of secrets) {
      if (text.includes(value)) {
        findings.push(`${file}: contains ${label}`);
      } else if (value.length >= 24 && (text.includes(value.slice(0, 16)) || text.includes(value.slice(-16)))) {
        findings.push(`${file}: contains 16 characters of ${label}`);
      }
    }
    text.split('\n').forEach((line, i) => {
      if (AUTH_HEADER_VALUE.test(line)) findings.push(`${file}:${i + 1}: an Authorization header value: ${line.slice(0, 160)}`);
    });
  }
  return findings;
}
