#!/usr/bin/env node
/**
 * Checks (and, as root on Debian, installs) the system packages the tests need:
 *   chromium          browser end-to-end tests (Playwright drives Debian's build; none is downloaded)
 *   ffmpeg            probing and generating video fixtures
 *   python3-torch …   the training smoke test (Debian's PyTorch, CPU)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const checks = [
  { packages: ['chromium'], ok: () => existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium') },
  { packages: ['ffmpeg'], ok: () => spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0 },
  {
    packages: ['python3-torch', 'python3-onnx', 'python3-numpy', 'python3-pil'],
    ok: () => spawnSync('/usr/bin/python3', ['-c', 'import torch, onnx, numpy, PIL'], { stdio: 'ignore' }).status === 0,
  },
];

const missing = checks.filter((c) => !c.ok()).flatMap((c) => c.packages);
if (missing.length === 0) {
  console.log('setup: system packages present (chromium, ffmpeg, python3-torch, python3-onnx)');
  process.exit(0);
}

const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
const isRoot = process.getuid?.() === 0;
if (!isRoot || !existsSync('/usr/bin/apt-get')) {
  console.error(`setup: missing system packages: ${missing.join(', ')}.\nInstall them with:\n  sudo ${command}`);
  process.exit(1);
}
console.log(`setup: installing ${missing.join(', ')} with apt-get (a few minutes the first time)`);
execFileSync('sh', ['-c', command], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
const still = checks.filter((c) => !c.ok()).flatMap((c) => c.packages);
if (still.length > 0) {
  console.error(`setup: still missing after install: ${still.join(', ')}`);
  process.exit(1);
}
