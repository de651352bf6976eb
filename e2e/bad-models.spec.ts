/**
 * Bad models (issue 16): a file that is not ONNX, an ONNX graph with the wrong inputs (dropped, and
 * as a catalogue download), a download cut off with the server gone, the disk filling up mid-write,
 * and the tab closed mid-download. Each gets a clear sentence, and the model store (OPFS) is listed
 * after each: nothing broken stays (only a `.part` that is a true prefix of the file, kept to resume).
 * (A sha256 mismatch is covered by e2e/models.spec.ts: "a tampered file is refused by its sha256".)
 *
 * The catalogue files are served by a local TLS "hub" at their pinned huggingface.co URLs, the way
 * e2e/models.spec.ts explains (a real connection, so a cut halfway really happens).
 */
import { expect, test, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import type { Server } from 'node:https';
import path from 'node:path';
import { makeCatalogueStandIn, STANDIN_ID } from '../scripts/make-catalogue-standin.mjs';
import { makeTestModels } from '../scripts/make-test-models.mjs';
import { CDN_HOST as CDN, CORS, hubBrowser, notFound, startAppWithEntries, startHub, storedFiles, streamBytes } from './hub';
import { decodePng, encodePng, Studio } from './studio';

const dist = path.resolve(import.meta.dirname, '..', process.env.E2E_DIST ?? 'dist');
const APP_PORT = Number(process.env.E2E_PORT ?? 4310) + 1200;
const HUB_PORT = APP_PORT + 1;
const WRONG_ID = 'wrong-contract-depth';

test.use(hubBrowser(HUB_PORT));

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const standIn = makeCatalogueStandIn({ mustAccept: false });
const modelFile = standIn.files[0];

/** A depth entry whose pinned, correctly hashed file is a style graph (inputs `pixels`, output `logits`). */
function wrongContractEntry(dir: string) {
  makeTestModels(dir);
  const bytes = readFileSync(path.join(dir, 'wrong-contract.onnx'));
  const url = `https://huggingface.co/clipmorph-test/wrong-contract/resolve/0123456789abcdef0123456789abcdef01234567/onnx/model.onnx`;
  const entry = {
    ...standIn.entry,
    id: WRONG_ID,
    title: 'Wrong-contract depth (test)',
    variants: [{ name: 'fp32', files: [{ path: 'onnx/model.onnx', role: 'model', url, bytes: bytes.length, sha256: sha(bytes) }] }],
  };
  return { entry, url, bytes };
}

interface HubMode {
  /** Cut the first full model response halfway; with `dead`, every later request fails too. */
  cutFirst?: boolean;
  dead?: boolean;
  chunkDelayMs?: number;
}
let mode: HubMode = {};
let served = new Map<string, Buffer>(); // URL path -> bytes
let hub: Server;
let app: HttpServer;

/** Like the hub: a pinned /resolve/ URL redirects to the content-addressed CDN object. */
function startBadHub(): Promise<Server> {
  return startHub(HUB_PORT, (req, res, { host, url }) => {
    if (host === 'huggingface.co') {
      const bytes = served.get(url.pathname);
      if (!bytes) return notFound(res);
      res.writeHead(302, { ...CORS, Location: `https://${CDN}/objects/${sha(bytes)}` });
      return void res.end();
    }
    const bytes = [...served.values()].find((b) => sha(b) === url.pathname.split('/').pop());
    if (!bytes) return notFound(res);
    if (mode.dead) return void res.socket?.destroy();
    const big = bytes.length > 100_000;
    const cutAt = mode.cutFirst && big && !req.headers.range ? Math.floor(bytes.length / 2) : Infinity;
    // The server goes away with the cut connection.
    streamBytes(req, res, bytes, { cutAt, delayMs: big ? (mode.chunkDelayMs ?? 5) : 0, onCut: () => (mode.dead = true) });
  });
}

let wrong: ReturnType<typeof wrongContractEntry>;

test.beforeAll(async ({}, info) => {
  wrong = wrongContractEntry(info.outputPath('models'));
  const files: Array<[string, Uint8Array]> = [...Object.entries(standIn.urls), [wrong.url, wrong.bytes]];
  served = new Map(files.map(([u, b]) => [new URL(u).pathname, Buffer.from(b)]));
  hub = await startBadHub();
  app = await startAppWithEntries(dist, APP_PORT, [standIn.entry, wrong.entry]);
});
test.afterAll(() => {
  hub?.close();
  app?.close();
});
test.beforeEach(() => {
  mode = {};
});

const appUrl = `http://127.0.0.1:${APP_PORT}/?backend=wasm`;


/** Nothing broken stored: every complete entry is a verified file, every `.part` a true prefix of its file. */
function expectSound(files: Awaited<ReturnType<typeof storedFiles>>) {
  const all = [...standIn.files.map((f) => f.bytes), wrong.bytes];
  for (const f of files) {
    const original = all.find((b) => f.name.startsWith(sha(b)));
    expect(original, f.name).toBeDefined();
    if (f.name.endsWith('.part')) expect(f.sha256, `${f.name} is a prefix`).toBe(sha(original!.subarray(0, f.bytes)));
    else expect(f.sha256, `${f.name} is whole`).toBe(f.name);
  }
}

function gradientPng(width: number, height: number): Buffer {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([(i % width) * 4, Math.floor(i / width) * 5, 128, 255], i * 4);
  return encodePng({ data, width, height });
}

async function openPanel(page: Page) {
  await page.getByTestId('open-models').click();
  await expect(page.getByTestId(`model-${STANDIN_ID}`)).toBeVisible();
}
const state = (page: Page) => page.getByTestId(`model-state-${STANDIN_ID}`);
const message = (page: Page) => page.getByTestId(`model-message-${STANDIN_ID}`);

test('a dropped file that is not ONNX, and one with the wrong inputs, are refused clearly; the next run works', async ({ page }, info) => {
  const studio = new Studio(page);
  await studio.open('backend=wasm');
  await studio.chooseFile({ name: 'photo.png', mimeType: 'image/png', buffer: gradientPng(48, 32) });
  await studio.chooseFile({ name: 'model.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from('PK\u0003\u0004 this is a zip, not a model'.repeat(40)) });
  await studio.run();
  await expect(studio.error()).toContainText('This file is not a model the app can run');
  await expect(studio.error()).toContainText('Pick a valid .onnx file.');
  makeTestModels(info.outputPath('dropped'));
  await studio.chooseFile(path.join(info.outputPath('dropped'), 'wrong-contract.onnx'));
  await studio.run();
  await expect(studio.error()).toContainText('does not fit the task: it lacks input "input" and output "output" (it has inputs pixels and outputs logits)');
  // The app is fine: a shipped style runs next.
  await page.locator('[data-testid^=style-]').first().click();
  await studio.run();
  await studio.waitForResult();
  expect(decodePng((await studio.download()).bytes).width).toBe(48);
});

test('a catalogue download with the wrong inputs for the task: a clear error, and its file is removed', async ({ page }) => {
  await page.goto(appUrl);
  await page.getByTestId('task-depth').click();
  await page.getByTestId('file-input').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: gradientPng(64, 48) });
  await page.getByTestId(`depth-model-${WRONG_ID}`).check();
  await page.getByTestId('run').click();
  const error = page.getByTestId('error');
  await expect(error).toContainText('The downloaded model "Wrong-contract depth (test)" does not fit this task', { timeout: 60_000 });
  await expect(error).toContainText('Its files were removed from this device');
  expect(await storedFiles(page)).toEqual([]);
});

test('a download cut halfway with the server gone: a clear error, only a resumable prefix kept, and it resumes later', async ({ page }) => {
  mode = { cutFirst: true };
  await page.goto(appUrl);
  await openPanel(page);
  await page.getByTestId(`download-model-${STANDIN_ID}`).click();
  await expect(message(page)).toContainText(/stopped at \d+ of \d+ bytes: the connection was lost\. Try again; it resumes where it stopped/, { timeout: 60_000 });
  await expect(message(page)).toHaveAttribute('role', 'alert');
  const files = await storedFiles(page);
  expectSound(files);
  expect(files.map((f) => f.name)).toEqual([`${sha(modelFile.bytes)}.part`]);
  await expect(state(page)).toHaveText(/^Partly downloaded/);

  mode = {};
  await page.getByTestId(`download-model-${STANDIN_ID}`).click();
  await expect(state(page)).toHaveText('On this device · 3.0 MB', { timeout: 60_000 });
  const done = await storedFiles(page);
  expectSound(done);
  expect(done.map((f) => f.name).sort()).toEqual(standIn.files.map((f) => sha(f.bytes)).sort());
});

test('the disk fills up while a model is written: nothing half-written stays, and the model runs from memory', async ({ page }) => {
  // OPFS writes fail with QuotaExceededError after the first 1 MB, as on a full disk (the estimate said there was room).
  await page.addInitScript(() => {
    let written = 0;
    const write = FileSystemWritableFileStream.prototype.write;
    FileSystemWritableFileStream.prototype.write = function (this: FileSystemWritableFileStream, data: FileSystemWriteChunkType) {
      written += (data as ArrayBufferView).byteLength ?? 0;
      if (written > 1024 * 1024) return Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
      return write.call(this, data);
    };
  });
  await page.goto(appUrl);
  await openPanel(page);
  await page.getByTestId(`download-model-${STANDIN_ID}`).click();
  await expect(message(page)).toContainText('not enough storage space on this device to keep this model', { timeout: 60_000 });
  expect(await storedFiles(page)).toEqual([]); // the partial file was removed, not left half-written
  await page.getByTestId(`run-from-memory-${STANDIN_ID}`).click();
  await expect(state(page)).toHaveText('Runs from memory this visit · 3.0 MB, not kept');
  await page.keyboard.press('Escape');

  await page.getByTestId('task-depth').click();
  await page.getByTestId('file-input').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: gradientPng(64, 48) });
  await page.getByTestId(`depth-model-${STANDIN_ID}`).check();
  await page.getByTestId('run').click();
  await expect(page.getByTestId('download')).toHaveAttribute('href', /^blob:/, { timeout: 120_000 });
  expect(await storedFiles(page)).toEqual([]);
});

test('closing the tab in the middle of a download leaves no half-written model; the next visit resumes it', async ({ context }) => {
  mode = { chunkDelayMs: 120 };
  const first = await context.newPage();
  await first.goto(appUrl);
  await openPanel(first);
  await first.getByTestId(`download-model-${STANDIN_ID}`).click();
  const percent = async () => Number(await first.getByTestId(`model-progress-${STANDIN_ID}`).getAttribute('aria-valuenow'));
  await expect.poll(percent, { timeout: 30_000 }).toBeGreaterThan(15);
  await first.close();

  mode = {};
  const next = await context.newPage();
  await next.goto(appUrl);
  const files = await storedFiles(next);
  expectSound(files);
  expect(files.some((f) => f.name === sha(modelFile.bytes))).toBe(false); // never a complete-looking half file
  await openPanel(next);
  await expect(state(next)).toHaveText(/^(Partly downloaded|Not downloaded)/);
  await next.getByTestId(`download-model-${STANDIN_ID}`).click();
  await expect(state(next)).toHaveText('On this device · 3.0 MB', { timeout: 60_000 });
  expectSound(await storedFiles(next));
});
