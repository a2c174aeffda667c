// Summarize a conformance run from its result directory (conformance ... -o
// DIR writes DIR/server-<scenario>-<time>/checks.json) and the expected
// failures, as the suite itself judges them: a scenario fails when one of
// its checks is a FAILURE or a WARNING.
//
//   node summary.mjs <label> <results dir> <expected-failures.yml>
//
// Prints the scenarios that passed, failed as expected, failed unexpectedly,
// or are listed as expected failures but passed (stale), then
//   conformance [<label>]: N scenarios passed, M failed unexpectedly
// where M counts the unexpected failures and the stale entries: the ones
// that fail the run. (run.sh ends with the total in the plain
// "N passed, M failed" form; this line is shaped not to look like it.)
// Exit code 0 iff M is 0 and some scenario ran.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const [label, dir, baselineFile] = process.argv.slice(2);
const expected = new Set((parse(readFileSync(baselineFile, 'utf8'))?.server ?? []).map(String));
const results = new Map();
for (const entry of existsSync(dir) ? readdirSync(dir) : []) {
  const file = path.join(dir, entry, 'checks.json');
  if (!existsSync(file)) continue;
  const scenario = entry.replace(/^server-/, '').replace(/-\d{4}-\d{2}-\d{2}T[\d-]+Z$/, '');
  let checks;
  try {
    checks = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    checks = [{ status: 'FAILURE', errorMessage: 'unreadable checks.json' }];
  }
  results.set(scenario, checks);
}

const passed = [];
const expectedFailures = [];
const unexpected = [];
const stale = [];
for (const [scenario, checks] of [...results].sort(([a], [b]) => a.localeCompare(b))) {
  const bad = checks.filter((c) => c.status === 'FAILURE' || c.status === 'WARNING');
  if (bad.length === 0) {
    (expected.has(scenario) ? stale : passed).push(scenario);
  } else if (expected.has(scenario)) {
    expectedFailures.push(scenario);
  } else {
    unexpected.push(`${scenario} (${bad.map((c) => `${c.id} ${c.status}: ${c.errorMessage ?? ''}`.trim()).join('; ')})`);
  }
}

const show = (title, list) => {
  if (list.length) console.log(`conformance [${label}]: ${title} (${list.length}):\n  ${list.join('\n  ')}`);
};
show('passed', passed);
show('expected failures, see tests/conformance/expected-failures.yml', expectedFailures);
show('UNEXPECTED FAILURES', unexpected);
show('STALE expected failures (they pass now: remove them from the list)', stale);
const failed = unexpected.length + stale.length + (results.size === 0 ? 1 : 0);
if (results.size === 0) console.log(`conformance [${label}]: no scenario ran`);
console.log(`conformance [${label}]: ${passed.length} scenarios passed, ${failed} failed unexpectedly`);
process.exit(failed ? 1 : 0);
