/**
 * Writing generated model files (test models and hub stand-ins) with the size and sha256 a test
 * manifest lists for each, shared by the make-*-standins / make-test-models scripts.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Hex sha256 of some bytes, as manifests and catalogue entries record it. */
export function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Writes each file (a relative path, which may hold folders) under `outDir`; `files` maps a path to
 * its bytes or to a function that builds them. Returns bytes and sha256 per path.
 */
export function writeFiles(outDir, files) {
  const written = {};
  for (const [name, content] of Object.entries(files)) {
    const bytes = typeof content === 'function' ? content() : content;
    const file = path.join(outDir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, bytes);
    written[name] = { bytes: bytes.byteLength, sha256: sha256(bytes) };
  }
  return written;
}
