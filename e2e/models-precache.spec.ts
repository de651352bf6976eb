/**
 * Precache by need, measured at the server: what a first visit downloads. Counted as the body bytes
 * the static server sends (200 and 206 bodies; a 304 revalidation sends none), which is what crosses
 * the network whatever the browser's own accounting says.
 */
import { expect, test, type Page } from '@playwright/test';
import { existsSync, readdirSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { startServer } from '../scripts/serve.mjs';
import { mediaPath, sharedDir, Studio } from './studio';

const dist = path.resolve(import.meta.dirname, '..', process.env.E2E_DIST ?? 'dist');
const PORT = Number(process.env.E2E_PORT ?? 4412) + 1004;

interface Served {
  path: string;
  status: number;
  bytes: number;
}

let server: Server;
let served: Served[] = [];

test.beforeAll(async () => {
  server = (await startServer({ dir: dist, port: PORT, onServe: (s) => served.push(s) })) as Server;
});
test.afterAll(() => server?.close());
test.beforeEach(() => {
  served = [];
});

function fileSize(rel: string): number {
  return statSync(path.join(dist, rel)).size;
}

function distFiles(rel = ''): string[] {
  return readdirSync(path.join(dist, rel)).flatMap((name) => {
    const file = path.posix.join(rel, name);
    return statSync(path.join(dist, file)).isDirectory() ? distFiles(file) : [file];
  });
}

interface PrecacheEntry {
  url: string;
  cached: boolean;
  need?: string;
}

async function precacheStatus(page: Page): Promise<PrecacheEntry[]> {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    const channel = new MessageChannel();
    const reply = new Promise<PrecacheEntry[]>((resolve) => (channel.port1.onmessage = (e) => resolve(e.data)));
    registration.active!.postMessage({ type: 'PRECACHE_STATUS' }, [channel.port2]);
    return reply;
  });
}

const bodyBytes = (match: (p: string) => boolean) => served.filter((s) => match(s.path)).reduce((sum, s) => sum + s.bytes, 0);
const MiB = 1024 * 1024;

test.describe('precache by need', () => {
  test.skip(!existsSync(sharedDir), `needs the shared media fixtures in ${sharedDir}`);

  test('first visit on WASM: shell, embedded models and the ORT WASM runtime, each fetched once; no WebGPU runtime, no ffmpeg', async ({ page }) => {
    await page.goto(`http://127.0.0.1:${PORT}/?backend=wasm`);
    const studio = new Studio(page);
    await expect(page.getByRole('heading', { name: 'ClipMorph Web' })).toBeVisible();
    // The user stylises a photo at once, while the service worker is still installing: the first
    // install takes control within a moment and the precache fill shares the page's downloads.
    await studio.chooseFile(mediaPath('starry_in.png'));
    await studio.run();
    await studio.waitForResult();
    await expect.poll(async () => (await precacheStatus(page)).every((e) => e.cached), { timeout: 120_000 }).toBe(true);
    const status = await precacheStatus(page);
    expect(status.filter((e) => e.need).map((e) => path.posix.basename(new URL(e.url).pathname)).sort()).toEqual([
      'ort-wasm-simd-threaded.mjs',
      'ort-wasm-simd-threaded.wasm',
    ]);

    const wasm = 'ort/ort-wasm-simd-threaded.wasm';
    expect(bodyBytes((p) => p.endsWith(`/${wasm}`))).toBe(fileSize(wasm)); // once, not once per fetcher
    expect(bodyBytes((p) => p.includes('.asyncify.'))).toBe(0);
    expect(bodyBytes((p) => p.includes('/ffmpeg/'))).toBe(0);
    expect(bodyBytes((p) => p.includes('.hq.'))).toBe(0); // Best quality's files wait until it runs
    // No built file's body crossed the network twice.
    const perFile = new Map<string, number>();
    for (const s of served) perFile.set(s.path, (perFile.get(s.path) ?? 0) + s.bytes);
    const twice = [...perFile].filter(([p, bytes]) => existsSync(path.join(dist, p)) && statSync(path.join(dist, p)).isFile() && bytes > fileSize(p.slice(1)));
    expect(twice).toEqual([]);

    const total = bodyBytes(() => true);
    const everything = distFiles().filter((f) => !f.endsWith('.map')).reduce((sum, f) => sum + fileSize(f), 0);
    console.log(
      `first visit (WASM): ${(total / MiB).toFixed(1)} MiB in ${served.length} responses ` +
        `(ORT WASM ${(bodyBytes((p) => p.includes('/ort/')) / MiB).toFixed(1)} MiB, models ${(bodyBytes((p) => p.includes('/models/')) / MiB).toFixed(1)} MiB, ` +
        `app ${(bodyBytes((p) => !p.includes('/ort/') && !p.includes('/models/')) / MiB).toFixed(1)} MiB); the whole build is ${(everything / MiB).toFixed(1)} MiB`,
    );
    expect(total).toBeLessThan(40 * MiB);
  });

  test('a page that runs on WebGPU also keeps the WebGPU runtime, fetched once', async ({ page }) => {
    await page.goto(`http://127.0.0.1:${PORT}/?backend=webgpu`);
    await expect(page.getByRole('heading', { name: 'ClipMorph Web' })).toBeVisible();
    await expect
      .poll(async () => (await precacheStatus(page)).filter((e) => e.need === 'webgpu' && e.cached).length, { timeout: 120_000 })
      .toBe(2);
    await expect.poll(async () => (await precacheStatus(page)).every((e) => e.cached), { timeout: 120_000 }).toBe(true);
    const asyncify = 'ort/ort-wasm-simd-threaded.asyncify.wasm';
    expect(bodyBytes((p) => p.endsWith(`/${asyncify}`))).toBe(fileSize(asyncify));
    expect(bodyBytes((p) => p.includes('/ffmpeg/'))).toBe(0);
    console.log(`first visit (WebGPU, precache complete, before any job): ${(bodyBytes(() => true) / MiB).toFixed(1)} MiB`);
  });
});
