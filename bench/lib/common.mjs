/** Small helpers shared by the benchmark groups: statistics, browser, static server, processes. */
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';

export const root = path.resolve(import.meta.dirname, '../..');
export const benchDir = path.join(root, 'bench');
export const tmpDir = path.join(benchDir, '.tmp');
export const sharedDir = path.resolve(root, '../shared');

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const round = (value, digits = 2) => (value == null || !Number.isFinite(value) ? null : Number(value.toFixed(digits)));

export function log(...parts) {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...parts);
}

import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';

export { chromiumArgs, chromiumPath };

export function launchBrowser() {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
}

/** Serves `dir` cross-origin isolated (scripts/serve.mjs) on a free port. */
export async function serve(dir) {
  const server = await startServer({ dir, port: 0 });
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(resolve)) };
}

export function run(command, args, options = {}) {
  return execFileSync(command, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28, ...options });
}

/** Runs a command to completion without blocking the event loop; rejects on a non-zero exit. */
export function spawnAsync(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve({ stdout, stderr }) : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`)),
    );
  });
}
