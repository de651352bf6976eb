// End-to-end smoke test of `npm run train` as a user would run it: from a copy of the project in a
// temporary folder, so no ../shared (the project's own photos and paintings) is in reach, with a
// generated painting and a --content folder of 8 generated photos and a short clip. 3 training steps, export, then
// the ONNX file must match its manifest entry and behave like a style model under ORT.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch, onnx'], { stdio: 'ignore' }).status === 0;
const skipNote = 'SKIPPED: /usr/bin/python3 has no torch/onnx (apt-get install -y python3-torch python3-onnx python3-numpy python3-pil)';

/** A w x h PNG with a pattern that differs per seed (stripes, a gradient and blocks). */
function png(path: string, w: number, h: number, seed: number) {
  const img = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      img.data[i] = (x * (3 + seed) + y) % 256;
      img.data[i + 1] = ((Math.floor(x / (8 + seed)) + Math.floor(y / 12)) % 2) * 200 + 20;
      img.data[i + 2] = (y * 255) / h;
      img.data[i + 3] = 255;
    }
  }
  writeFileSync(path, PNG.sync.write(img));
}

/** The files `npm run train` needs, copied into <tmp>/project (node_modules linked): <tmp>/shared does not exist. */
function projectCopy(tmp: string) {
  const proj = join(tmp, 'project');
  mkdirSync(join(proj, 'scripts'), { recursive: true });
  mkdirSync(join(proj, 'models', 'style'), { recursive: true });
  copyFileSync(join(root, 'scripts', 'train.mjs'), join(proj, 'scripts', 'train.mjs'));
  cpSync(join(root, 'training'), join(proj, 'training'), {
    recursive: true, filter: (src) => !/[\\/](runs|__pycache__)$/.test(src) && !src.endsWith('.test.ts'),
  });
  copyFileSync(join(root, 'models', 'style', 'trunk.rt.fp32.onnx'), join(proj, 'models', 'style', 'trunk.rt.fp32.onnx'));
  symlinkSync(join(root, 'node_modules'), join(proj, 'node_modules'), 'dir');
  writeFileSync(join(proj, 'package.json'), JSON.stringify({ type: 'module', scripts: { train: 'node scripts/train.mjs' } }));
  return proj;
}

describe('npm run train on a machine without ../shared', () => {
  let tmp = '';
  let proj = '';
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'clipmorph-train-'));
    proj = projectCopy(tmp);
    png(join(tmp, 'painting.png'), 288, 256, 5);
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const train = (...args: string[]) => spawnSync('npm', ['run', '--silent', 'train', '--', ...args],
    { cwd: proj, encoding: 'utf8', timeout: 300_000 });

  it('stops at once, saying to pass --content, when there is no content', () => {
    expect(existsSync(join(tmp, 'shared'))).toBe(false);
    const t0 = Date.now();
    const r = train('--style', join(tmp, 'painting.png'), '--name', 'no-content');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no content photos to train on/);
    expect(r.stderr).toMatch(/--content ~\/Pictures/);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(existsSync(join(proj, 'training', 'runs'))).toBe(false); // failed before creating anything
  });

  it.skipIf(!hasTorch)('names unreadable, too small and too few content images before training', () => {
    const bad = join(tmp, 'bad');
    mkdirSync(bad);
    png(join(bad, 'ok1.png'), 200, 150, 1);
    png(join(bad, 'ok2.png'), 200, 150, 2);
    png(join(bad, 'tiny.png'), 64, 48, 3);
    writeFileSync(join(bad, 'broken.jpg'), 'not a jpeg');
    const r = train('--style', join(tmp, 'painting.png'), '--name', 'bad-content', '--content', bad);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/skipped .*broken\.jpg: unreadable/);
    expect(r.stdout).toMatch(/skipped .*tiny\.png: 64x48, smaller than 128 px/);
    expect(r.stderr).toMatch(/only 2 usable image\(s\); need at least 8/);
    expect(r.stdout).not.toMatch(/^step /m);
  }, 60_000);

  it.skipIf(!hasTorch)('rejects a style image that is too small', () => {
    png(join(tmp, 'small-painting.png'), 200, 150, 4);
    const r = train('--style', join(tmp, 'small-painting.png'), '--name', 'small', '--content', tmp);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/is 200x150; its short side must be at least 256 px/);
  }, 60_000);

  /** Like the user's Ctrl-C: SIGINT to the whole process group (npm, node, python) once training has started. */
  function trainAndInterrupt(args: string[]): Promise<{ status: number | null; signal: string | null; stdout: string }> {
    return new Promise((done) => {
      const child = spawn('npm', ['run', '--silent', 'train', '--', ...args], { cwd: proj, detached: true });
      let stdout = '';
      let sent = false;
      child.stdout.on('data', (d) => {
        stdout += d;
        if (!sent && /^step 1\//m.test(stdout)) {
          sent = true;
          process.kill(-child.pid!, 'SIGINT');
        }
      });
      child.stderr.on('data', (d) => { stdout += d; });
      child.on('close', (status, signal) => done({ status, signal, stdout }));
    });
  }

  it.skipIf(!hasTorch)(hasTorch ? 'trains on --content photos, keeps a checkpoint on Ctrl-C, resumes, exports, and the model runs' : skipNote, async () => {
    const photos = join(tmp, 'photos');
    mkdirSync(photos);
    for (let i = 0; i < 8; i++) png(join(photos, `photo${i}.png`), 192, 144, i);
    // and a 2 s clip, which must be sampled into frames (one every 0.5 s)
    const clip = spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=192x144:rate=10', '-t', '2',
      '-pix_fmt', 'yuv420p', join(photos, 'clip.mp4')]);
    expect(clip.status, String(clip.stderr)).toBe(0);
    const outDir = join(tmp, 'models-out');
    const args = ['--style', join(tmp, 'painting.png'), '--name', 'smoke-style', '--content', photos, '--out-dir', outDir];
    const stopped = await trainAndInterrupt([...args, '--steps', '1000']);
    expect(stopped.stdout).toMatch(/content: 12 of your images \(1 video\(s\) sampled\)/); // 8 photos + 4 frames
    expect(stopped.stdout).toMatch(/step 1\/1000 .*content .*style .*left .*checkpoint .*ckpt\.pt/);
    expect(stopped.stdout).toMatch(/stopped \(Ctrl-C\) at step \d+; checkpoint saved/);
    // npm itself dies of the SIGINT (as in a terminal); train.mjs under it exits 130 after python saved
    expect(stopped.status === 130 || stopped.signal === 'SIGINT', `${stopped.status} ${stopped.signal}`).toBe(true);
    expect(existsSync(join(proj, 'training', 'runs', 'custom-smoke-style', 'ckpt.pt'))).toBe(true);
    expect(existsSync(join(outDir, 'manifest.json'))).toBe(false); // interrupted: nothing exported

    const r = train(...args, '--steps', '3');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/resumed .*ckpt\.pt at step [1-9]/);

    const manifest = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8'));
    const entry = manifest.models.find((m: { id: string }) => m.id === 'smoke-style');
    expect(entry.task).toBe('style');
    expect(entry.recipe.steps).toBeGreaterThanOrEqual(3); // 3, or more if Ctrl-C landed later
    expect(entry.recipe.contentData).toBe("the user's own photos/videos");
    // the default: only the new style's norms, on the shared trunk, with the losses it was trained with
    expect(entry.recipe.multiStyle).toMatch(/convolutions, frozen/);
    expect(entry.recipe.lossLayers).toEqual({
      style: ['activation_1', 'activation_3', 'activation_5', 'mixed0', 'mixed1', 'mixed2'], content: 'activation_5', paintingShortSide: 512,
    });
    const fp32 = entry.variants.find((v: { name: string }) => v.name === 'fp32');
    const bytes = readFileSync(join(outDir, fp32.file));
    expect(bytes.length).toBe(fp32.bytes);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(fp32.sha256);
    expect(existsSync(join(outDir, entry.style.thumbnail))).toBe(true);

    const [h, w] = [16, 24];
    const pixels = Float32Array.from({ length: 3 * h * w }, (_, i) => (i % 97) / 96);
    const session = await ort.InferenceSession.create(join(outDir, fp32.file));
    const { output } = await session.run({ input: new ort.Tensor('float32', pixels, [1, 3, h, w]) });
    expect(output.dims).toEqual([1, 3, h, w]);
    const values = output.data as Float32Array;
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThanOrEqual(1);
    const meanAbsDiff = values.reduce((s, v, i) => s + Math.abs(v - pixels[i]), 0) / values.length;
    expect(meanAbsDiff).toBeGreaterThan(0.01);
  }, 300_000);
});
