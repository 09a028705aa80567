// `npm test`: install what is missing, then typecheck, lint, build (both packages), and run the server's suite, the
// widget's Node, browser and e2e suites.
// Ends with one plain line `N passed, N failed[, N skipped]` (tests plus the typecheck/lint/build checks).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { ensureChromium, ensureDependencies, ensureTools } from './setup.mjs';

ensureDependencies();
ensureTools();
const chrome = ensureChromium();
if (chrome) process.env.CHROME_PATH = chrome;

const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];
// What failed and why, repeated under the summary: CI shows only the end of the output.
const failures = [];

function step(name, command, args) {
  console.log(`\n=== ${name}: ${command} ${args.join(' ')}`);
  const started = Date.now();
  const { status } = spawnSync(command, args, { stdio: 'inherit' });
  const ok = status === 0;
  totals[ok ? 'passed' : 'failed']++;
  lines.push(`${ok ? 'ok  ' : 'FAIL'} ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return ok;
}

function stripAnsi(text) {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes are what is removed
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

/** A failure's first lines and the lines of its diff (what differed), indented under its name. */
function excerpt(message = '') {
  const lines = stripAnsi(message).split('\n');
  const diff = lines.filter((line) => /^\s*[-+]\s/.test(line) && !/^\s*[-+] (Expected|Received)\s*$/.test(line));
  return [...lines.slice(0, 3), ...diff.slice(0, 12)].map((line) => `    ${line.slice(0, 200)}`).join('\n');
}

function suite(project) {
  const out = `.vitest-results-${project}.json`;
  rmSync(out, { force: true });
  console.log(`\n=== ${project} tests`);
  const started = Date.now();
  const { status } = spawnSync(
    'npx',
    ['vitest', 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`],
    { stdio: 'inherit' },
  );
  let result;
  try {
    result = JSON.parse(readFileSync(out, 'utf8'));
  } catch {
    result = { numPassedTests: 0, numFailedTests: 1, numPendingTests: 0, numTodoTests: 0 };
  }
  // A suite that crashed before reporting still counts as a failure.
  for (const file of result.testResults ?? [])
    for (const test of file.assertionResults ?? [])
      if (test.status === 'failed')
        failures.push(`  ${project} › ${test.fullName}\n${excerpt(test.failureMessages?.[0])}`);
  const failed = result.numFailedTests + (status !== 0 && result.numFailedTests === 0 ? 1 : 0);
  const skipped = (result.numPendingTests ?? 0) + (result.numTodoTests ?? 0);
  totals.passed += result.numPassedTests;
  totals.failed += failed;
  totals.skipped += skipped;
  lines.push(
    `${failed ? 'FAIL' : 'ok  '} ${project}: ${result.numPassedTests} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
}

mkdirSync('.bench', { recursive: true });
step('typecheck', 'npx', ['tsc', '-p', 'tsconfig.test.json', '--noEmit']);
step('lint', 'npx', ['biome', 'check', '.']);
step('build', 'node', ['scripts/build.mjs']);
suite('server');
suite('node');
suite('browser');
suite('e2e');

console.log('\n=== summary');
for (const line of lines) console.log(line);
if (failures.length) console.log(`failed tests:\n${failures.join('\n')}`);
const skipped = totals.skipped ? `, ${totals.skipped} skipped` : '';
console.log(`${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exit(totals.failed ? 1 : 0);
