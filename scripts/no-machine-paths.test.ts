// No path of our build machines may appear in tracked files (code, tests, docs, committed results):
// the project must work wherever it is cloned, finding its shared data as ../shared beside the root.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
// Built from pieces so this file does not match itself: the build machines keep the project and
// its shared data under /work, and root's home is /root.
const dirs = ['wo' + 'rk', 'ro' + 'ot'];
const FORBIDDEN = new RegExp(`(^|[^A-Za-z0-9_.~-])/(${dirs.join('|')})/`, 'm');

function offences(text: string): string[] {
  return text.split('\n').flatMap((line, i) => (FORBIDDEN.test(line) ? [`${i + 1}: ${line.trim().slice(0, 160)}`] : []));
}

describe('no build-machine paths in the repository', () => {
  it('the pattern catches such paths and spares look-alikes', () => {
    const p = (d: string, rest: string) => `/${d}/${rest}`;
    expect(offences(`S=${p(dirs[0], 'shared/styles')}`)).toHaveLength(1);
    expect(offences(`"--styles ${p(dirs[0], 'main/x.jpg')}"`)).toHaveLength(1);
    expect(offences(`cd ${p(dirs[1], '.cache')}`)).toHaveLength(1);
    expect(offences('src/workers/bridge.ts and ../shared/styles and node_modules/workbox-core')).toHaveLength(0);
  });

  it('no tracked text file names one', () => {
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
    expect(files.length).toBeGreaterThan(50);
    const found: string[] = [];
    for (const f of files) {
      let buf: Buffer;
      try {
        buf = readFileSync(join(root, f));
      } catch {
        continue; // deleted in the working tree but not yet in the index
      }
      if (buf.subarray(0, 8000).includes(0)) continue; // binary (images, ONNX)
      found.push(...offences(buf.toString('utf8')).map((o) => `${f}:${o}`));
    }
    expect(found, `machine paths (use paths relative to the project; shared data is ../shared):\n${found.join('\n')}`).toEqual([]);
  });
});
