/**
 * Privacy and security (issue 16): the Content-Security-Policy is sent and enforced (no inline
 * script, no eval, no violation in normal use), and one test records every request of every task
 * (style photo and video, depth, captions, latent walk with the catalogue stand-ins; training does
 * not run in the browser) and fails on any host that is neither the app nor a manifest's model host,
 * on any model request before the user asked, and on any request but the app's during a job once the
 * models are on the device.
 *
 * Two independent records: the browser's own (Playwright sees page, worker and service-worker
 * requests) and the network's: every host name but the hub's resolves to a local trap server that
 * reads the host each connection asks for, so a request the browser did not report would still be
 * caught (only Chromium's own background services may appear there: BROWSER_OWN).
 */
import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import type { Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import type { Server } from 'node:https';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';
import { captionCatalogueStandIn, CATALOGUE_ID as CAPTION_ID, CAPTIONS, GREY_LEVELS } from '../scripts/make-caption-standins.mjs';
import { makeCatalogueStandIn, STANDIN_ID as DEPTH_ID } from '../scripts/make-catalogue-standin.mjs';
import { walkCatalogueStandIn } from '../scripts/make-walk-standins.mjs';
import { pagePolicy } from '../scripts/serve.mjs';
import { CDN_HOST, HUB_HOST, notFound, sendBytes, startAppWithEntries, startHub } from './hub';
import path from 'node:path';
import { encodePng } from './studio';

const dist = path.resolve(import.meta.dirname, '..', process.env.E2E_DIST ?? 'dist');
const APP_PORT = Number(process.env.E2E_PORT ?? 4310) + 1210;
const HUB_PORT = APP_PORT + 1;
const TRAP_PORT = APP_PORT + 2;
const APP_ORIGIN = `http://127.0.0.1:${APP_PORT}`;

test.use({
  ignoreHTTPSErrors: true,
  launchOptions: {
    executablePath: chromiumPath,
    args: [...chromiumArgs, `--host-resolver-rules=MAP ${HUB_HOST} 127.0.0.1:${HUB_PORT}, MAP ${CDN_HOST} 127.0.0.1:${HUB_PORT}, MAP * 127.0.0.1:${TRAP_PORT}, EXCLUDE 127.0.0.1`],
  },
});


const depth = makeCatalogueStandIn({ mustAccept: false });
const caption = captionCatalogueStandIn();
const walk = walkCatalogueStandIn({ id: 'sd-turbo-privacy-standin', repo: 'clipmorph-test/sd-turbo-privacy-standin' });
const byPath = new Map(Object.entries({ ...depth.urls, ...caption.urls, ...walk.urls }).map(([u, b]) => [new URL(u).pathname, b as Uint8Array]));
const manifestUrls = new Set(Object.keys({ ...depth.urls, ...caption.urls, ...walk.urls }));

let hub: Server;
let app: HttpServer;
let trap: TcpServer;
let trapped = 0;
const trappedHosts: string[] = [];
const hubLog: string[] = [];

/** The host a connection asked for: the HTTP Host header, or the server name (SNI) of a TLS ClientHello. */
function askedHost(data: Buffer): string {
  if (data[0] !== 0x16) return /^Host: (\S+)/im.exec(data.toString('latin1'))?.[1] ?? '?';
  try {
    let at = 5 + 4 + 2 + 32; // record header, handshake header, version, random
    at += 1 + data[at]; // session id
    at += 2 + data.readUInt16BE(at); // cipher suites
    at += 1 + data[at]; // compression methods
    const end = at + 2 + data.readUInt16BE(at);
    for (at += 2; at + 4 <= end; ) {
      const type = data.readUInt16BE(at);
      const length = data.readUInt16BE(at + 2);
      if (type === 0) return data.subarray(at + 9, at + 9 + data.readUInt16BE(at + 7)).toString('latin1');
      at += 4 + length;
    }
  } catch {
    // a truncated hello
  }
  return '?';
}

/**
 * Chromium's own background services, which the flags in scripts/chromium.mjs do not all silence
 * (component updates, account and autofill services): the browser's traffic, never the app's (the
 * CSP would block the page and its workers from reaching them anyway).
 */
const BROWSER_OWN = /^(accounts\.google\.com|clients\d*\.google\.com|[a-z0-9-]+\.googleapis\.com|[a-z0-9-]+\.gvt1\.com)$/;

test.beforeAll(async () => {
  hub = await startHub(HUB_PORT, (req, res, { url }) => {
    hubLog.push(url.href);
    const bytes = byPath.get(url.pathname);
    if (!bytes) return notFound(res);
    sendBytes(req, res, bytes);
  });
  trap = createTcpServer((socket) => {
    trapped++;
    socket.once('data', (chunk) => {
      trappedHosts.push(askedHost(chunk));
      socket.destroy();
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => trap.listen(TRAP_PORT, '127.0.0.1', resolve));
  app = await startAppWithEntries(dist, APP_PORT, [depth.entry, caption.entry, walk.entry]);
});
test.afterAll(() => {
  hub?.close();
  app?.close();
  trap?.close();
});

function gradientPng(width: number, height: number, grey?: number): Buffer {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set(grey === undefined ? [(i % width) * 3, Math.floor(i / width) * 4, 90, 255] : [grey, grey, grey, 255], i * 4);
  return encodePng({ data, width, height });
}

/** Collects `securitypolicyviolation` events from the first script on (an init script is not subject to the page's CSP). */
async function watchViolations(page: Page) {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} ${e.blockedURI || 'inline'}`));
  });
  return () => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations.splice(0));
}

test('the CSP is sent as a header and enforced: no inline script, no eval, no violation in normal use', async ({ page, request }) => {
  const response = await request.get(`${APP_ORIGIN}/`);
  const header = response.headers()['content-security-policy'];
  expect(header).toBe(pagePolicy(await response.text()));
  expect(header).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(header).toContain("object-src 'none'");
  expect(header).not.toMatch(/unsafe-inline|'unsafe-eval'/);
  // connect-src: the app itself, and only the model hub's hosts outside it (no wildcard, no scheme-wide source).
  const connect = header.split(';').map((d) => d.trim().split(/\s+/)).find((d) => d[0] === 'connect-src')!.slice(1);
  expect(connect).toContain("'self'");
  expect(connect.filter((t) => /^(https?:|\*|wss?:)/.test(t) && !/^https:\/\/(\*\.)?(huggingface\.co|hf\.co)$/.test(t))).toEqual([]);

  const violations = await watchViolations(page);
  await page.goto(`${APP_ORIGIN}/?backend=wasm`);
  await expect(page.getByRole('heading', { name: 'ClipMorph Web' })).toBeVisible();
  const attempts = await page.evaluate(async () => {
    const w = window as unknown as { inlineRan?: boolean };
    const script = document.createElement('script');
    script.textContent = 'window.inlineRan = true';
    document.head.append(script);
    const handler = document.createElement('img');
    handler.setAttribute('onerror', 'window.inlineRan = true');
    handler.src = 'data:,not-an-image';
    document.body.append(handler);
    await new Promise((r) => setTimeout(r, 300));
    let evalResult = 'ran';
    try {
      (0, eval)('1 + 1');
    } catch (e) {
      evalResult = (e as Error).name;
    }
    let functionResult = 'ran';
    try {
      new Function('return 1')();
    } catch (e) {
      functionResult = (e as Error).name;
    }
    handler.remove();
    return { inlineRan: w.inlineRan ?? false, evalResult, functionResult };
  });
  expect(attempts).toEqual({ inlineRan: false, evalResult: 'EvalError', functionResult: 'EvalError' });
  const blocked = await violations();
  expect(blocked.some((v) => v.startsWith('script-src-elem inline'))).toBe(true);
  expect(blocked.some((v) => v.startsWith('script-src-attr inline'))).toBe(true);
  // eval and new Function, each reported by the header's policy and by the meta tag's (both enforce).
  expect(blocked.filter((v) => v.includes('eval')).length).toBeGreaterThanOrEqual(2);

  // Normal use: a style job from drop to download raises no violation.
  await page.getByTestId('file-input').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: gradientPng(48, 32) });
  await page.getByTestId('run').click();
  await expect(page.getByTestId('download')).toHaveAttribute('href', /^blob:/, { timeout: 120_000 });
  await page.getByTestId('open-models').click();
  await expect(page.getByTestId('models-panel')).toBeVisible();
  expect(await violations()).toEqual([]);
});

test('every task: requests go to the app, models only to manifest hosts and only when asked, jobs offline once stored', async ({ page }, info) => {
  test.setTimeout(240_000);
  const clip = info.outputPath('clip.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=128x72:rate=10:duration=1', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-y', clip]);
  const seen: string[] = [];
  page.context().on('request', (r) => seen.push(r.url()));
  const outside = () => seen.filter((u) => !u.startsWith(`${APP_ORIGIN}/`) && !u.startsWith('blob:') && !u.startsWith('data:'));
  const allowedModelHosts = new Set([...manifestUrls].map((u) => new URL(u).host));
  const hubBefore = () => hubLog.length;

  await page.goto(`${APP_ORIGIN}/?backend=wasm`);
  await expect(page.getByRole('heading', { name: 'ClipMorph Web' })).toBeVisible();

  // Style, photo and video: nothing leaves the app's origin.
  await page.getByTestId('file-input').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: gradientPng(48, 32) });
  await page.getByTestId('run').click();
  await expect(page.getByTestId('download')).toHaveAttribute('href', /^blob:/, { timeout: 120_000 });
  await page.getByTestId('file-input').setInputFiles(clip);
  await expect(page.getByTestId('video-info')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('run').click();
  await expect(page.getByText(/Done: 10 frames/)).toBeVisible({ timeout: 120_000 });
  expect(outside()).toEqual([]);
  expect(hubLog).toEqual([]); // no model host was even contacted

  // Depth, captions and the walk: the first run of each is the user asking for its model.
  await page.getByTestId('task-depth').click();
  await page.getByTestId('file-input').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: gradientPng(64, 48) });
  await page.getByTestId(`depth-model-${DEPTH_ID}`).check();
  expect(hubLog).toEqual([]); // choosing is not asking
  await page.getByTestId('run').click();
  await expect(page.getByTestId('download')).toHaveAttribute('href', /^blob:/, { timeout: 120_000 });

  await page.getByTestId('task-caption').click();
  await expect(page.getByTestId('caption-model')).toHaveValue(CAPTION_ID);
  const beforeAsking = hubBefore();
  await page.getByTestId('caption-files').setInputFiles([{ name: 'dark.png', mimeType: 'image/png', buffer: gradientPng(32, 32, GREY_LEVELS.dark) }]);
  await page.getByTestId('run').click(); // the captioner is downloaded only from the Models panel
  await expect(page.getByTestId('error')).toContainText('is not on this device yet');
  expect(hubLog.length).toBe(beforeAsking);
  await page.getByTestId('open-models').click();
  await page.getByTestId(`download-model-${CAPTION_ID}`).click();
  await expect(page.getByTestId(`model-state-${CAPTION_ID}`)).toHaveText(/^On this device/, { timeout: 60_000 });
  await page.keyboard.press('Escape');
  await page.getByTestId('run').click();
  const captionOf = (file: string) => page.locator(`[data-testid=caption-item][data-file="${file}"]`).getByTestId('caption-text');
  await expect(captionOf('dark.png')).toHaveText(CAPTIONS[0], { timeout: 120_000 });

  await page.getByTestId('task-walk').click();
  await page.getByTestId('prompt-a').fill('a red cat');
  await page.getByTestId('prompt-b').fill('a blue forest');
  const beforeLicence = hubBefore();
  await page.getByTestId('accept-licence').click();
  await page.getByTestId('frames').fill('4');
  expect(hubLog.length).toBe(beforeLicence); // accepting is not downloading
  await page.getByTestId('run').click();
  await expect(page.getByTestId('result')).toHaveAttribute('data-frames', '4', { timeout: 180_000 });

  // What went out: only files the manifest lists, each once, from the manifest's hosts.
  const external = outside();
  expect(external.length).toBeGreaterThan(0);
  expect(external.filter((u) => !allowedModelHosts.has(new URL(u).host) && new URL(u).host !== CDN_HOST)).toEqual([]);
  expect(external.filter((u) => !manifestUrls.has(u))).toEqual([]);
  expect(new Set(hubLog).size).toBe(hubLog.length);
  expect([...new Set(hubLog)].sort()).toEqual([...manifestUrls].sort());

  // Once the models are on this device, every job stays inside the app's origin.
  const settled = seen.length;
  const hubSettled = hubLog.length;
  await page.getByTestId('task-depth').click();
  await page.getByTestId('run').click();
  await expect(page.getByText(/^Done in/)).toBeVisible({ timeout: 120_000 });
  await page.getByTestId('task-caption').click();
  await page.getByTestId('caption-files').setInputFiles([{ name: 'bright.png', mimeType: 'image/png', buffer: gradientPng(32, 32, GREY_LEVELS.bright) }]);
  await page.getByTestId('run').click();
  await expect(captionOf('bright.png')).toHaveText(CAPTIONS[2], { timeout: 120_000 });
  expect(seen.slice(settled).filter((u) => !u.startsWith(`${APP_ORIGIN}/`) && !u.startsWith('blob:') && !u.startsWith('data:'))).toEqual([]);
  expect(hubLog.length).toBe(hubSettled);
  // And at the network level: no connection to any other host, reported by the browser or not.
  console.log(`trap: ${trapped} connections, to ${[...new Set(trappedHosts)].join(', ') || 'nothing'}`);
  expect(trappedHosts.filter((h) => !BROWSER_OWN.test(h))).toEqual([]);
});
