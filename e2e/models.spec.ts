/**
 * The model manager end to end, against a stand-in catalogue model served by a local "hub".
 *
 * Why a real HTTPS server and not page.route: the production path (pinned https://huggingface.co
 * URL -> 302 to a CDN host -> CORS fetch under the page's CSP and COEP -> streamed body -> Range
 * request after a cut) only runs for real over a real connection. page.route hands the browser a
 * whole body at once, so a connection cut halfway cannot happen, and it skips the redirect and CORS.
 * So Chromium resolves huggingface.co and cdn-lfs.hf.co to a local TLS server (--host-resolver-rules,
 * self-signed certificate accepted by this test's context only) that behaves like the hub: /resolve/
 * redirects to the CDN, which serves the bytes with byte ranges and CORS.
 *
 * Why a served manifest: the app reads catalogue entries at run time from the served
 * models/manifest.json (manager.loadServedManifest), so the test serves the built app with one
 * extra catalogue entry (scripts/make-catalogue-standin.mjs) and no production code is bypassed.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import type { Server } from 'node:https';
import path from 'node:path';
import { makeCatalogueStandIn, STANDIN_ID } from '../scripts/make-catalogue-standin.mjs';
import { CDN_HOST as CDN, CORS, hubBrowser, startAppWithEntries, startHub, storedFiles, streamBytes } from './hub';
import { encodePng } from './studio';

const dist = path.resolve(import.meta.dirname, '..', process.env.E2E_DIST ?? 'dist');
// Ports of its own, away from other sessions' E2E_PORT neighbours.
const APP_PORT = Number(process.env.E2E_PORT ?? 4412) + 1002;
const HUB_PORT = APP_PORT + 1;

test.use(hubBrowser(HUB_PORT));

const standIn = makeCatalogueStandIn();
const modelFile = standIn.files[0];
const configFile = standIn.files[1];
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** What the hub does to the next requests: cut the first model response halfway, flip a byte, go slowly. */
interface HubMode {
  cutFirst?: boolean;
  tamper?: boolean;
  chunkDelayMs?: number;
}
interface HubRequest {
  host: string;
  path: string;
  range?: string;
  status: number;
}

let hub: Server;
let app: HttpServer;
let mode: HubMode = {};
let hubLog: HubRequest[] = [];

async function startModelsHub(): Promise<Server> {
  const bySha = new Map(standIn.files.map((f) => [sha(f.bytes), f.bytes]));
  const byUrlPath = new Map(Object.entries(standIn.urls).map(([url, bytes]) => [new URL(url).pathname, bytes]));
  return startHub(HUB_PORT, (req, res, { host, url }) => {
    const log: HubRequest = { host, path: url.pathname, range: req.headers.range, status: 0 };
    hubLog.push(log);
    const reply = (status: number, headers: Record<string, string | number> = {}) => {
      log.status = status;
      res.writeHead(status, { ...CORS, ...headers });
    };
    if (host === 'huggingface.co') {
      // Like the hub: a pinned /resolve/ URL redirects to the content-addressed CDN object.
      const bytes = byUrlPath.get(url.pathname);
      if (!bytes) return void (reply(404), res.end());
      reply(302, { Location: `https://${CDN}/repos/clipmorph/${sha(bytes)}` });
      return void res.end();
    }
    const original = bySha.get(url.pathname.split('/').pop() ?? '');
    if (!original) return void (reply(404), res.end());
    const bytes = mode.tamper ? Buffer.from(original) : original;
    if (mode.tamper) bytes[1000] ^= 0xff; // one bit pattern changed, same length
    const isModel = original === modelFile.bytes;
    // The connection drops halfway through the file (a full request only: a resume runs to the end).
    const cutAt = mode.cutFirst && isModel && !req.headers.range ? Math.floor(bytes.length / 2) : Infinity;
    log.status = streamBytes(req, res, bytes, { cutAt, delayMs: isModel ? (mode.chunkDelayMs ?? 15) : 0 });
  });
}

test.beforeAll(async () => {
  hub = await startModelsHub();
  app = await startAppWithEntries(dist, APP_PORT, [standIn.entry]);
});
test.afterAll(async () => {
  hub?.close();
  app?.close();
});
test.beforeEach(() => {
  mode = {};
  hubLog = [];
});

const appUrl = () => `http://127.0.0.1:${APP_PORT}/?backend=wasm`;
const row = (page: Page) => page.getByTestId(`model-${STANDIN_ID}`);
const state = (page: Page) => page.getByTestId(`model-state-${STANDIN_ID}`);
const cdnRequests = () => hubLog.filter((r) => r.host === CDN);


/** The service worker has everything this page needs offline (shell, embedded models, ORT runtime). */
async function precacheComplete(page: Page): Promise<boolean> {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    const channel = new MessageChannel();
    const reply = new Promise<Array<{ cached: boolean }>>((resolve) => (channel.port1.onmessage = (e) => resolve(e.data)));
    registration.active!.postMessage({ type: 'PRECACHE_STATUS' }, [channel.port2]);
    return (await reply).every((e) => e.cached);
  });
}

/** A synthetic photo (no shared fixtures needed). */
function gradientPng(width: number, height: number): Buffer {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([(i % width) * 4, Math.floor(i / width) * 5, 128, 255], i * 4);
  return encodePng({ data, width, height });
}

const expectedStore = () =>
  standIn.files.map((f) => ({ name: sha(f.bytes), bytes: f.bytes.length, sha256: sha(f.bytes) })).sort((a, b) => a.name.localeCompare(b.name));

async function openPanel(page: Page) {
  await page.getByTestId('open-models').click();
  await expect(page.getByTestId('models-panel')).toBeVisible();
  await expect(row(page)).toBeVisible();
}

/** Clicks Download and, where the licence must be accepted first, Accept. */
async function download(page: Page) {
  await page.getByTestId(`download-model-${STANDIN_ID}`).click();
  await page.getByTestId('accept-licence').click();
}

test.describe('model manager', () => {
  test('nothing downloads until asked; the licence comes first; progress shows speed and time left; the model works offline after a reload', async ({ context, page }) => {
    mode = { chunkDelayMs: 40 };
    // Count the manager's requests for persistent storage (the browser decides; we only check it asked).
    await page.addInitScript(() => {
      const persist = navigator.storage.persist.bind(navigator.storage);
      (window as unknown as { persistAsked: number }).persistAsked = 0;
      navigator.storage.persist = () => ((window as unknown as { persistAsked: number }).persistAsked++, persist());
    });
    await page.goto(appUrl());
    await expect(page.getByRole('heading', { name: 'ClipMorph Web' })).toBeVisible();
    await openPanel(page);
    await expect(row(page)).toContainText('Tiny depth (test stand-in)');
    await expect(row(page)).toContainText('Apache-2.0');
    await expect(page.getByTestId(`model-size-${STANDIN_ID}`)).toHaveText('3.0 MB');
    await expect(state(page)).toHaveText('Not downloaded · 3.0 MB');
    await expect(page.getByTestId('storage-estimate')).toContainText(/used, .* free/);
    // The dialog is modal and keyboard-reachable: focus is inside it, Escape closes it and focus returns.
    expect(await page.evaluate(() => document.activeElement?.closest('dialog')?.dataset.testid)).toBe('models-panel');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('models-panel')).toHaveCount(0);
    await expect(page.getByTestId('open-models')).toBeFocused();
    await openPanel(page);

    // Keyboard only: Tab reaches the row's Download button inside the dialog, Enter shows the licence.
    const download = page.getByTestId(`download-model-${STANDIN_ID}`);
    for (let i = 0; i < 10 && !(await download.evaluate((b) => b === document.activeElement)); i++) await page.keyboard.press('Tab');
    await expect(download).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('accept-licence')).toBeVisible();
    await expect(row(page)).toContainText('released under the Apache-2.0 licence');
    expect(hubLog).toEqual([]); // the licence is shown before anything is fetched
    const { violations } = await new AxeBuilder({ page }).include('[data-testid=models-panel]').withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
    expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

    const seen = new Set<number>();
    const speeds: string[] = [];
    const progress = page.getByTestId(`model-progress-${STANDIN_ID}`);
    const watch = (async () => {
      for (let i = 0; i < 400; i++) {
        const value = await progress.getAttribute('aria-valuenow', { timeout: 50 }).catch(() => null);
        if (value !== null) seen.add(Number(value));
        const speed = await page.getByTestId(`model-speed-${STANDIN_ID}`).textContent({ timeout: 50 }).catch(() => null);
        if (speed) speeds.push(speed);
        if ((await state(page).textContent())?.startsWith('On this device')) return;
        await page.waitForTimeout(25);
      }
    })();
    await page.getByTestId('accept-licence').click();
    await expect(state(page)).toHaveText('On this device · 3.0 MB', { timeout: 60_000 });
    await watch;
    expect([...seen].some((v) => v > 0 && v < 100)).toBe(true);
    expect(speeds.some((s) => /MB of 3\.0 MB · [\d.]+ (KB|MB)\/s · about \d+ s left/.test(s))).toBe(true);
    // Each file once, through the hub's redirect to its CDN, none cut, none resumed.
    expect(cdnRequests().map((r) => [r.status, r.range])).toEqual([
      [200, undefined],
      [200, undefined],
    ]);
    expect(await storedFiles(page)).toEqual(expectedStore());
    await expect(page.getByTestId(`model-message-${STANDIN_ID}`)).toContainText('Downloaded and verified');
    expect(await page.evaluate(() => (window as unknown as { persistAsked: number }).persistAsked)).toBe(1);

    // Offline, after a reload: the app shell comes from the service worker, the model from OPFS.
    await expect.poll(() => precacheComplete(page), { timeout: 120_000 }).toBe(true);
    await context.setOffline(true);
    await page.reload();
    await expect(page.getByRole('heading', { name: 'ClipMorph Web' })).toBeVisible();
    await openPanel(page);
    await expect(state(page)).toHaveText('On this device · 3.0 MB');
    await page.getByTestId(`check-model-${STANDIN_ID}`).click();
    await expect(page.getByTestId(`model-message-${STANDIN_ID}`)).toHaveText(/All 2 files read back from this device and verified \(sha256, 3\.0 MB\)/);
    // And a task runs it, offline: the depth task's worker loads it through loadVariantFiles from OPFS.
    await page.keyboard.press('Escape');
    await page.getByTestId('task-depth').click();
    await page.getByTestId('file-input').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: gradientPng(64, 48) });
    await page.getByTestId(`depth-model-${STANDIN_ID}`).check();
    await page.getByTestId('run').click();
    await expect(page.getByTestId('download')).toHaveAttribute('href', /^blob:/, { timeout: 120_000 });
    expect(cdnRequests()).toHaveLength(2); // nothing fetched again
  });

  test('a connection cut halfway is resumed with a Range request and ends with the right bytes', async ({ page }) => {
    mode = { cutFirst: true };
    await page.goto(appUrl());
    await openPanel(page);
    await download(page);
    await expect(state(page)).toHaveText('On this device · 3.0 MB', { timeout: 60_000 });
    const model = cdnRequests().filter((r) => r.path.endsWith(sha(modelFile.bytes)));
    expect(model[0]).toMatchObject({ status: 200, range: undefined });
    const resumed = model.find((r) => r.range);
    expect(resumed?.status).toBe(206);
    const from = Number(/^bytes=(\d+)-$/.exec(resumed?.range ?? '')?.[1]);
    expect(from).toBeGreaterThan(0);
    expect(from).toBeLessThanOrEqual(modelFile.bytes.length / 2);
    // The pinned hub URL was asked again with the Range header (and kept it through the redirect).
    expect(hubLog.some((r) => r.host === 'huggingface.co' && r.range === `bytes=${from}-`)).toBe(true);
    expect(await storedFiles(page)).toEqual(expectedStore());
  });

  test('closing the panel leaves a download running; cancel keeps what arrived; downloading again resumes from the stored part', async ({ page }) => {
    mode = { chunkDelayMs: 120 };
    await page.goto(appUrl());
    await openPanel(page);
    await download(page);
    const percent = async () => Number(await page.getByTestId(`model-progress-${STANDIN_ID}`).getAttribute('aria-valuenow'));
    await expect.poll(percent, { timeout: 30_000 }).toBeGreaterThan(5);
    // Closing the panel does not stop it: opened again, the download has gone on.
    const before = await percent();
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('models-panel')).toHaveCount(0);
    await page.waitForTimeout(1500);
    await openPanel(page);
    await expect.poll(percent, { timeout: 10_000 }).toBeGreaterThan(before);
    await page.getByTestId(`cancel-download-${STANDIN_ID}`).click();
    await expect(page.getByTestId(`model-message-${STANDIN_ID}`)).toContainText('Download cancelled');
    await expect(state(page)).toHaveText(/^Partly downloaded · [\d.]+ (KB|MB) of 3\.0 MB$/);
    const part = (await storedFiles(page)).find((f) => f.name === `${sha(modelFile.bytes)}.part`);
    expect(part?.bytes).toBeGreaterThan(0);
    expect(part?.sha256).toBe(sha(modelFile.bytes.subarray(0, part!.bytes))); // a true prefix of the file

    mode = {};
    await page.getByTestId(`download-model-${STANDIN_ID}`).click(); // licence already accepted: no second prompt
    await expect(state(page)).toHaveText('On this device · 3.0 MB', { timeout: 60_000 });
    expect(cdnRequests().some((r) => r.range === `bytes=${part!.bytes}-` && r.status === 206)).toBe(true);
    expect(await storedFiles(page)).toEqual(expectedStore());
  });

  test('a tampered file is refused by its sha256 and nothing of it is left stored', async ({ page }) => {
    mode = { tamper: true };
    await page.goto(appUrl());
    await openPanel(page);
    await download(page);
    const message = page.getByTestId(`model-message-${STANDIN_ID}`);
    await expect(message).toHaveAttribute('role', 'alert', { timeout: 60_000 });
    await expect(message).toContainText('onnx/model.onnx failed its integrity check (sha256');
    expect(cdnRequests().length).toBeGreaterThan(0);
    expect(await storedFiles(page)).toEqual([]);
    await expect(state(page)).toHaveText('Not downloaded · 3.0 MB');
  });

  test('when storage is full it says so and offers to run from memory this time; a task then runs the model from memory', async ({ page }) => {
    await page.goto(appUrl());
    await expect(page.getByRole('heading', { name: 'ClipMorph Web' })).toBeVisible();
    // A real quota: the origin may store only what it already uses plus 1 MB (the model needs 3 MB).
    const cdp = await page.context().newCDPSession(page);
    const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: `http://127.0.0.1:${APP_PORT}`, quotaSize: usage + 1024 * 1024 });
    await openPanel(page);
    await download(page);
    const message = page.getByTestId(`model-message-${STANDIN_ID}`);
    await expect(message).toContainText('not enough storage space on this device to keep this model (3.0 MB)');
    await expect(message).toHaveAttribute('role', 'alert');
    expect(await storedFiles(page)).toEqual([]);
    const refused = cdnRequests().length;
    await page.getByTestId(`run-from-memory-${STANDIN_ID}`).click();
    await expect(message).toContainText('During this visit, Tiny depth (test stand-in) runs from memory');
    await expect(state(page)).toHaveText('Runs from memory this visit · 3.0 MB, not kept');
    expect(cdnRequests()).toHaveLength(refused); // choosing downloads nothing by itself

    // The depth task runs it: its worker asks the page for the choice and downloads into memory.
    await page.keyboard.press('Escape');
    await page.getByTestId('task-depth').click();
    await page.getByTestId('file-input').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: gradientPng(64, 48) });
    await page.getByTestId(`depth-model-${STANDIN_ID}`).check();
    await page.getByTestId('run').click();
    await expect(page.getByTestId('download')).toHaveAttribute('href', /^blob:/, { timeout: 120_000 });
    expect(await storedFiles(page)).toEqual([]); // nothing written to the full device
    const fetched = (file: { bytes: Buffer }) => cdnRequests().slice(refused).filter((r) => r.path.endsWith(sha(file.bytes)) && r.status === 200).length;
    expect([fetched(modelFile), fetched(configFile)]).toEqual([1, 1]);
  });

  test('delete one model and delete all remove every stored file', async ({ page }) => {
    await page.goto(appUrl());
    await openPanel(page);
    await download(page);
    await expect(state(page)).toHaveText('On this device · 3.0 MB', { timeout: 60_000 });
    expect(await storedFiles(page)).toHaveLength(2);
    await page.getByTestId(`delete-model-${STANDIN_ID}`).click();
    await expect(state(page)).toHaveText('Not downloaded · 3.0 MB');
    expect(await storedFiles(page)).toEqual([]);

    await page.getByTestId(`download-model-${STANDIN_ID}`).click();
    await expect(state(page)).toHaveText('On this device · 3.0 MB', { timeout: 60_000 });
    await page.getByTestId('delete-all-models').click();
    await expect(state(page)).toHaveText('Not downloaded · 3.0 MB');
    expect(await storedFiles(page)).toEqual([]);
    await expect(page.getByTestId('delete-all-models')).toBeDisabled();
  });
});
