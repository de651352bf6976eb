/**
 * Guard rails of the task layout: the UI registry and the worker registry list the same tasks, no
 * shared layer imports a feature, and worker-side code compiles only under tsconfig.worker.json.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { findTask, tasks } from './registry';
import { taskMethods, taskWorkers } from './registry.worker';

const root = path.resolve(import.meta.dirname, '../..');
const src = path.join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sourceFiles(file);
    return /\.(ts|tsx)$/.test(name) && !/\.d\.ts$/.test(name) ? [file] : [];
  });
}

/** Relative imports (static, dynamic, type-only) of a file, resolved to paths under src/ without extension. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]);
  return specifiers.map((s) => path.relative(src, path.resolve(path.dirname(file), s)).replace(/\.(tsx?|css)$/, '').split(path.sep).join('/'));
}

const isWorkerSide = (rel: string) => /\.worker\.ts$/.test(rel) || /^src\/features\/[^/]+\/worker\//.test(rel);

describe('task registry', () => {
  it('lists each task once, with the meta the shell needs', () => {
    const ids = tasks.map((t) => t.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('style');
    for (const task of tasks) {
      expect(task.meta.id).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(task.meta.label.length).toBeGreaterThan(0);
      expect(task.meta.runLabel.length).toBeGreaterThan(0);
      expect(task.meta.inputs.length).toBeGreaterThan(0);
      expect(task.meta.outputs.length).toBeGreaterThan(0);
      expect(findTask(task.meta.id)).toBe(task);
    }
    expect(findTask('no-such-task')).toBe(tasks[0]);
  });

  it('has a worker side for every task and no worker side without a task', () => {
    expect(taskWorkers.map((w) => w.task).sort()).toEqual(tasks.map((t) => t.meta.id).sort());
    // The style task's methods reach the one worker loop.
    expect(Object.keys(taskMethods)).toEqual(expect.arrayContaining(['styleImage', 'styleMorph', 'styleVideo', 'previewVideo']));
  });
});

describe('layout', () => {
  const files = sourceFiles(src).map((f) => ({ file: f, rel: path.relative(root, f).split(path.sep).join('/') }));

  it('shared layers import no feature, only the registry and the task contract', () => {
    const allowed = new Set(['features/registry', 'features/registry.worker', 'features/types']);
    const offending = files
      .filter(({ rel }) => !rel.startsWith('src/features/') && !rel.endsWith('.test.ts'))
      .flatMap(({ file, rel }) => importsOf(file).filter((i) => i.startsWith('features/') && !allowed.has(i)).map((i) => `${rel} imports ${i}`));
    expect(offending).toEqual([]);
  });

  it('worker-side files compile only under tsconfig.worker.json', () => {
    const listed = (project: string) =>
      execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', project, '--listFilesOnly'], { cwd: root, encoding: 'utf8' })
        .split('\n')
        .map((f) => path.relative(root, f.trim()).split(path.sep).join('/'))
        .filter((rel) => rel.startsWith('src/'));
    const workerSide = files.map((f) => f.rel).filter((rel) => isWorkerSide(rel) && !rel.endsWith('.test.ts'));
    expect(workerSide).toEqual(expect.arrayContaining(['src/workers/task.worker.ts', 'src/features/style/worker/index.ts']));
    expect(listed('tsconfig.app.json').filter(isWorkerSide)).toEqual([]);
    expect(listed('tsconfig.worker.json')).toEqual(expect.arrayContaining(workerSide));
  }, 120_000);
});
