/**
 * docs/test-hooks.md lists every `data-testid` the app renders: a hook added to a component without a
 * line there, or a line whose hook no longer exists, fails here. Templated hooks (`format-${f.id}`)
 * and the doc's placeholders (`format-<id>`, `tier-<fast|best>`) compare by their fixed prefix.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.tsx$/.test(e.name) && !/\.test\.tsx$/.test(e.name) ? [path] : [];
  });
}

/** `name` for a literal hook, `prefix-<>` for a templated one. */
export function hooksInSource(code: string): string[] {
  const found = new Set<string>();
  for (const m of code.matchAll(/data-testid=(?:"([a-z0-9-]+)"|\{`([^`]+)`\})/g)) {
    found.add(m[1] ?? m[2].replace(/\$\{[^}]+\}.*$/, '<>'));
  }
  return [...found];
}

/** The hooks named in the doc's tables: backticked names, `<…>` placeholders reduced to `<>`. */
export function hooksInDoc(doc: string): string[] {
  const found = new Set<string>();
  for (const line of doc.split('\n')) {
    if (!line.startsWith('| `')) continue;
    const first = line.split(/(?<!\\)\|/)[1];
    for (const m of first.matchAll(/`([a-z0-9-]+(?:<[^>`]*>)?)`/g)) found.add(m[1].replace(/<[^>]*>$/, '<>'));
  }
  return [...found];
}

describe('docs/test-hooks.md', () => {
  const inSource = new Set(sources(join(root, 'src')).flatMap((f) => hooksInSource(readFileSync(f, 'utf8'))));
  const inDoc = new Set(hooksInDoc(readFileSync(join(root, 'docs', 'test-hooks.md'), 'utf8')));

  it('reads both lists (the parsers find what they should)', () => {
    expect(hooksInSource('<a data-testid="run" /><b data-testid={`format-${f.id}`} />')).toEqual(['run', 'format-<>']);
    expect(hooksInDoc('| `tier-<fast\\|best>`, `run` | x |\n| hook | what |')).toEqual(['tier-<>', 'run']);
    expect(inSource.size).toBeGreaterThan(100);
    expect(inSource.has('run') && inSource.has('style-<>') && inSource.has('camera-start')).toBe(true);
  });

  it('lists every hook the app renders', () => {
    expect([...inSource].filter((h) => !inDoc.has(h)).sort()).toEqual([]);
  });

  it('lists no hook the app no longer renders', () => {
    expect([...inDoc].filter((h) => !inSource.has(h)).sort()).toEqual([]);
  });
});
