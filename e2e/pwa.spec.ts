import { expect, test, type Page } from '@playwright/test';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Server } from 'node:http';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { startServer } from '../scripts/serve.mjs';
import { decodePng, mediaPath, sharedDir, Studio } from './studio';

const dist = path.resolve(import.meta.dirname, '..', process.env.E2E_DIST ?? 'dist');
/** Ports of its own, from E2E_PORT like the other specs', so two runs side by side (other E2E_PORTs) do not collide. */
const PWA_PORT = Number(process.env.E2E_PORT ?? 4310) + 1500;
/** Initial JavaScript (entry chunk and its static imports), gzip. ORT, ffmpeg and workers load lazily. */
export const INITIAL_JS_BUDGET_GZIP = 100 * 1024;

interface PrecacheEntry {
  url: string;
  cached: boolean;
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

function distFiles(dir = dist, rel = ''): string[] {
  return readdirSync(path.join(dir, rel)).flatMap((name) => {
    const file = path.posix.join(rel, name);
    return statSync(path.join(dir, file)).isDirectory() ? distFiles(dir, file) : [file];
  });
}

let servers: Server[] = [];
test.afterEach(() => {
  for (const s of servers) s.close();
  servers = [];
});

async function serve(options: { base: string; port: number; isolation: boolean; dir?: string }) {
  servers.push((await startServer({ dir: dist, ...options })) as Server);
  return `http://127.0.0.1:${options.port}${options.base}`;
}

async function waitForPrecache(page: Page) {
  await expect.poll(async () => (await precacheStatus(page)).every((e) => e.cached), { timeout: 120_000 }).toBe(true);
}

test.describe('installable offline app', () => {
  test.skip(!existsSync(sharedDir), `needs the shared media fixtures in ${sharedDir}`);

  test('served under a sub-path, one visit is enough: offline reload still stylises, and the precache is complete', async ({ context, page }) => {
    const url = await serve({ base: '/clipmorph/', port: PWA_PORT, isolation: true });
    await page.goto(`${url}?backend=wasm`);
    await expect(page.getByRole('heading', { name: 'ClipMorph Web' })).toBeVisible();
    await waitForPrecache(page);

    // Every built file is precached except source maps, the worker script itself and host config,
    // and the runtimes this device does not need (precache by need): ffmpeg.wasm until a video needs
    // it, ORT's WebGPU runtime on a page that runs WASM, the quality-tier style files until Best quality runs.
    const precached = (await precacheStatus(page)).map((e) => new URL(e.url).pathname.replace('/clipmorph/', ''));
    const expected = distFiles().filter(
      (f) => !f.endsWith('.map') && f !== 'sw.js' && f !== '_headers' && !f.startsWith('ffmpeg/') && !f.includes('.asyncify.') && !/^models\/style\/[^/]+\.hq\./.test(f),
    );
    expect(expected.filter((f) => f.startsWith('models/style/')).length).toBeGreaterThan(8); // the Fast files are still in it
    expect(precached.sort()).toEqual(expected.sort());

    await context.setOffline(true);
    await page.reload();
    await expect(page.getByRole('heading', { name: 'ClipMorph Web' })).toBeVisible();
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const studio = new Studio(page);
    await studio.chooseFile(mediaPath('starry_in.png'));
    // Best quality's file is fetched the first time it runs: offline before that, a clear error
    // that says why and what works instead, and the photo stays ready for Fast.
    await studio.chooseStyle('starry-night');
    await page.getByTestId('tier-best').check();
    await studio.run();
    await expect(studio.error()).toContainText('Best quality for "The Starry Night" needs its model file', { timeout: 60_000 });
    await expect(studio.error()).toContainText('choose Fast, which works offline');
    await page.getByTestId('tier-fast').check();
    await studio.run();
    await studio.waitForResult();
    expect(decodePng((await studio.download()).bytes).width).toBe(512);
  });

  test('on a host that sends no isolation headers, the service worker adds them', async ({ page }) => {
    const url = await serve({ base: '/', port: PWA_PORT + 1, isolation: false });
    // The host sends no isolation headers. (The first install now takes control within a moment,
    // so the page may already be reloading: check the headers of the first answer, not the page.)
    const first = await page.goto(url);
    expect(first?.headers()['cross-origin-embedder-policy']).toBeUndefined();
    // After install the worker takes control and the page reloads itself once, now isolated.
    await expect.poll(() => page.evaluate(() => crossOriginIsolated).catch(() => false), { timeout: 120_000 }).toBe(true);
  });

  test('no request leaves for another origin during an image job', async ({ context, page }) => {
    const url = await serve({ base: '/app/', port: PWA_PORT + 2, isolation: true });
    const origins = new Set<string>();
    const problems: string[] = [];
    context.on('request', (request) => {
      const u = new URL(request.url());
      if (u.protocol.startsWith('http')) origins.add(u.origin);
    });
    page.on('console', (m) => /Content Security Policy|Refused to/.test(m.text()) && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${url}?backend=wasm`);
    const studio = new Studio(page);
    await studio.chooseFile(mediaPath('starry_in.png'));
    await studio.run();
    await studio.waitForResult();
    expect([...origins]).toEqual([`http://127.0.0.1:${PWA_PORT + 2}`]);
    expect(problems).toEqual([]); // the strict CSP blocks nothing the app needs
  });

  test('a new deployment waits for the user: the update prompt appears and reloading switches version', async ({ page }) => {
    const site = mkdtempSync(path.join(tmpdir(), 'clipmorph-site-'));
    cpSync(dist, site, { recursive: true });
    const url = await serve({ base: '/', port: PWA_PORT + 3, isolation: true, dir: site });
    await page.goto(url);
    await waitForPrecache(page);

    appendFileSync(path.join(site, 'sw.js'), '\n// next deployment\n');
    await page.reload();
    const prompt = page.getByRole('status').filter({ hasText: 'A new version of ClipMorph Web is ready.' });
    await expect(prompt).toBeVisible({ timeout: 120_000 });
    // Until the user agrees, the old version keeps serving this page: nothing half-updated.
    expect(await page.evaluate(() => navigator.serviceWorker.controller?.state)).toBe('activated');
    const waitingBefore = await page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.waiting));
    expect(waitingBefore).toBe(true);

    await Promise.all([page.waitForEvent('load'), prompt.getByRole('button', { name: 'Reload to update' }).click()]);
    await expect(prompt).toHaveCount(0);
    // The waiting version is now the active one, controlling the reloaded page.
    const after = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      return { waiting: Boolean(registration?.waiting), controlled: navigator.serviceWorker.controller?.state };
    });
    expect(after).toEqual({ waiting: false, controlled: 'activated' });
  });
});

test('the web app manifest validates and its icons exist and decode at their sizes', async ({ request }) => {
  const manifest = JSON.parse(readFileSync(path.join(dist, 'manifest.webmanifest'), 'utf8'));
  expect(manifest).toMatchObject({ name: 'ClipMorph Web', display: 'standalone', start_url: './', scope: './' });
  expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
  expect(manifest.share_target.params.files[0].accept).toContain('image/*');
  expect(Object.keys(manifest.file_handlers[0].accept)).toEqual(['image/*', 'video/*']);
  const sizes = new Set<string>();
  for (const icon of manifest.icons) {
    const response = await request.get(icon.src);
    expect(response.ok()).toBe(true);
    if (icon.type === 'image/png') {
      const png = decodePng(await response.body());
      expect(`${png.width}x${png.height}`).toBe(icon.sizes);
      sizes.add(`${icon.sizes}:${icon.purpose}`);
    }
  }
  expect([...sizes]).toEqual(expect.arrayContaining(['192x192:any', '512x512:any', '512x512:maskable']));
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  expect(html).toContain('rel="manifest"');
});

test(`initial JavaScript stays under ${INITIAL_JS_BUDGET_GZIP / 1024} KB gzip, with no inline script and a strict CSP`, () => {
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="\.?\/?([^"]+\.js)"/g)].map((m) => m[1]);
  expect(scripts.length).toBeGreaterThan(0);
  const total = scripts.reduce((sum, file) => sum + gzipSync(readFileSync(path.join(dist, file))).byteLength, 0);
  console.log(`initial JS: ${scripts.join(', ')} = ${(total / 1024).toFixed(1)} KB gzip`);
  expect(total).toBeLessThan(INITIAL_JS_BUDGET_GZIP);
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  const csp = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1].replaceAll('&#39;', "'");
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
  // blob: only so the page can read back results it made itself (batch ZIP); no other scheme or host but the model hubs.
  expect(csp).toMatch(/connect-src 'self' blob:(;| https:)/);
});
