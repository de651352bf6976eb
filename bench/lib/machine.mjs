/** Describes the machine a run happened on, for every figure in results.json and BENCHMARKS.md. */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromiumPath, run } from './common.mjs';

function cpuModel() {
  const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
  return line ? line.split(':')[1].trim() : os.cpus()[0]?.model ?? 'unknown';
}

function tryRun(command, args) {
  try {
    return run(command, args).trim();
  } catch {
    return 'unavailable';
  }
}

/** This machine's folders as the project sees them (root '', its parent '../', home '~/'): results are committed. */
function relativePaths(line) {
  const root = path.resolve(import.meta.dirname, '..', '..');
  return line.split(root + path.sep).join('').split(path.dirname(root) + path.sep).join('../')
    .split(os.homedir() + path.sep).join('~/');
}

/** Other processes using the CPU right now (a training job competes with every figure here). */
export function busyProcesses() {
  const out = tryRun('ps', ['-eo', 'pcpu,args', '--sort=-pcpu', '--no-headers']);
  return out
    .split('\n')
    .map((l) => relativePaths(l.trim()))
    .filter((l) => parseFloat(l) >= 20)
    .map((l) => l.slice(0, 120));
}

export function describeMachine() {
  return {
    cores: os.cpus().length,
    cpu: cpuModel(),
    memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    chromium: tryRun(chromiumPath, ['--version']).split('\n').pop(),
    ffmpeg: tryRun('ffmpeg', ['-hide_banner', '-version']).split('\n')[0],
    torch: tryRun('/usr/bin/python3', ['-c', 'import torch; print(torch.__version__)']),
    loadAverage: os.loadavg().map((v) => Number(v.toFixed(2))),
    busyProcesses: busyProcesses(),
  };
}
