#!/usr/bin/env node
/**
 * `npm test`: system check, unit tests (Vitest), type check of every project (`tsc -b`, and the bench page's), production
 * build, browser end-to-end tests (Playwright + Debian chromium). Ends with one "N passed, N failed"
 * line over both suites, in which a failed type check counts as one failure.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

// Not test-results/: Playwright empties that folder when it starts.
const outDir = path.resolve('.cache/test-reports');
mkdirSync(outDir, { recursive: true });

function run(command, args, env = {}) {
  console.log(`\n$ ${[command, ...args].join(' ')}`);
  return spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;
}

function readJson(file) {
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
}

if (run('node', ['scripts/setup.mjs']) !== 0) process.exit(1);

const vitestJson = path.join(outDir, 'vitest.json');
const unitStatus = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${vitestJson}`]);
// Vite strips types without checking them: a type error would otherwise ship unnoticed.
// The bench page imports the app's runtime: check it too, or a runtime refactor breaks `npm run bench` unseen.
const typeStatus = run('npx', ['tsc', '-b']) || run('npx', ['tsc', '--noEmit', '-p', 'bench/tsconfig.json']);
const buildStatus = run('npx', ['vite', 'build', '--logLevel', 'warn']);
const e2eJson = path.join(outDir, 'playwright.json');
const e2eStatus = buildStatus === 0 ? run('npx', ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: e2eJson }) : 1;

const unit = readJson(vitestJson);
const e2e = readJson(e2eJson);
const passed = (unit?.numPassedTests ?? 0) + (e2e?.stats?.expected ?? 0);
const failed = (unit?.numFailedTests ?? 0) + (e2e?.stats?.unexpected ?? 0) + (e2e?.stats?.flaky ?? 0) + (typeStatus === 0 ? 0 : 1);
const skipped = (unit?.numPendingTests ?? 0) + (unit?.numTodoTests ?? 0) + (e2e?.stats?.skipped ?? 0);
const ok = unitStatus === 0 && typeStatus === 0 && buildStatus === 0 && e2eStatus === 0 && passed > 0;
console.log(`\nunit: ${unit?.numPassedTests ?? 0} passed; e2e: ${e2e?.stats?.expected ?? 0} passed${typeStatus ? '; TYPE CHECK FAILED (tsc)' : ''}${buildStatus ? '; BUILD FAILED' : ''}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(ok ? 0 : 1);
