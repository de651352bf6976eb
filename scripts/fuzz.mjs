#!/usr/bin/env node
/**
 * A longer fuzz run than `npm test` does:
 *
 *   npm run fuzz -- --seed 7 --count 2000 [--no-build]
 *
 * Builds the app (into .cache/dist-fuzz), then runs e2e/fuzz.spec.ts with that seed and count.
 * Every mutant that fails a pass condition is saved to e2e/fixtures/regressions/ under its
 * generated name (fuzz-s<seed>-<index>-<operator>-<base>.<ext>): rename it to say what broke,
 * fix the bug, and commit it; the spec replays it from then on.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1] : fallback;
};
const seed = Number(option('seed', String(Date.now() % 100000)));
const count = Number(option('count', '1000'));
if (!Number.isInteger(seed) || !Number.isInteger(count) || count < 1) {
  console.error('usage: npm run fuzz -- --seed N --count M [--no-build]');
  process.exit(2);
}
const dist = '.cache/dist-fuzz';
const run = (command, commandArgs, env = {}) => {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status ?? 1;
};
if (!args.includes('--no-build') && run('npx', ['vite', 'build', '--outDir', dist, '--logLevel', 'warn']) !== 0) process.exit(1);
console.log(`fuzzing: seed ${seed}, ${count} mutants; failing mutants go to e2e/fixtures/regressions/`);
process.exit(
  run('npx', ['playwright', 'test', 'e2e/fuzz.spec.ts', '--grep', 'seeded fuzz', '--output', '.cache/results-fuzz'], {
    E2E_DIST: dist,
    E2E_PORT: process.env.E2E_PORT ?? '4414',
    FUZZ_SEED: String(seed),
    FUZZ_COUNT: String(count),
    FUZZ_SAVE: path.join(root, 'e2e/fixtures/regressions'),
  }),
);
