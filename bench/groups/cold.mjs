/**
 * Group 5: cold start. A fresh browser context (empty HTTP cache, no service worker) per run: time
 * from navigation to the first stylised image (file-input with ../shared/media/starry_in.png, the
 * embedded realtime style, Run, download link ready), and the JavaScript transferred before the
 * first interaction (every .js/.mjs response, page and workers), with the gzip -9 size
 * of the entry chunk (the static server here does not compress, so transferred = raw bytes).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { startServer } from '../../scripts/serve.mjs';
import { launchBrowser, log, median, round, sharedDir, tmpDir } from '../lib/common.mjs';
import { runToDownload } from '../lib/studio.mjs';
import { styleForTier } from '../lib/styles.mjs';

export const title = 'Cold start: navigation to first stylised image, initial JS';

const appDir = () => path.join(tmpDir, 'app');

function entryChunk() {
  const html = readFileSync(path.join(appDir(), 'index.html'), 'utf8');
  const src = html.match(/<script[^>]*type="module"[^>]*src="([^"]+)"/)?.[1];
  if (!src) throw new Error('no module script in the built index.html');
  const bytes = readFileSync(path.join(appDir(), src.replace(/^\.?\//, '')));
  return { file: src, bytes: bytes.byteLength, gzipBytes: gzipSync(bytes, { level: 9 }).byteLength };
}

/**
 * Bytes per finished response until `snapshot()`: body + headers as transferred (Playwright's
 * request.sizes()), for the page and its workers (ORT runtime, WASM and model are fetched by workers).
 */
function trackTransfers(context) {
  const finished = [];
  context.on('requestfinished', async (request) => {
    const entry = { url: request.url(), type: request.resourceType(), bytes: 0, bySw: Boolean(request.serviceWorker()) };
    finished.push(entry);
    const sizes = await request.sizes().catch(() => null);
    if (sizes) entry.bytes = sizes.responseBodySize + sizes.responseHeadersSize;
  });
  const isJs = (r) => /\.m?js$/.test(new URL(r.url).pathname);
  return () => {
    const sum = (filter) => finished.filter(filter).reduce((a, r) => a + r.bytes, 0);
    return {
      jsBytes: sum(isJs),
      // Without the service worker's precache, which starts when it installs and so, on a slow host,
      // may or may not have fetched the worker chunks by network idle.
      pageJsBytes: sum((r) => isJs(r) && !r.bySw),
      wasmBytes: sum((r) => /\.wasm$/.test(r.url)),
      modelBytes: sum((r) => /\.onnx$/.test(r.url)),
      allBytes: sum(() => true),
      scripts: finished.filter(isJs).map((r) => ({ url: new URL(r.url).pathname, bytes: r.bytes, bySw: r.bySw })),
      serviceWorkerBytes: sum((r) => r.bySw),
      large: finished.filter((r) => r.bytes > 100_000).map((r) => ({ url: new URL(r.url).pathname, bytes: r.bytes, bySw: r.bySw })),
    };
  };
}

/** The static server, counting the body bytes it sends (what crosses the network; a 304 sends none). */
async function serveCounting(dir) {
  let served = [];
  const server = await startServer({ dir, port: 0, onServe: (s) => served.push(s) });
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    take: () => [served, (served = [])][0],
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Until the service worker has everything this device needs offline (shell, embedded models, its ORT runtime). */
async function waitForPrecache(page) {
  for (let i = 0; i < 240; i++) {
    const done = await page
      .evaluate(async () => {
        const registration = await navigator.serviceWorker.ready;
        const channel = new MessageChannel();
        const reply = new Promise((resolve) => (channel.port1.onmessage = (e) => resolve(e.data)));
        registration.active.postMessage({ type: 'PRECACHE_STATUS' }, [channel.port2]);
        return (await reply).every((e) => e.cached);
      })
      .catch(() => false);
    if (done) return;
    await page.waitForTimeout(500);
  }
  throw new Error('the precache did not complete in 2 minutes');
}

export async function measure({ args }) {
  const realtime = styleForTier('realtime');
  const style = realtime?.standIn ? null : realtime;
  const browser = await launchBrowser();
  const server = await serveCounting(appDir());
  const runs = [];
  try {
    for (let i = 0; i < Math.min(args.runs, 5); i++) {
      const context = await browser.newContext({ serviceWorkers: 'allow' });
      try {
        const snapshot = trackTransfers(context);
        const page = await context.newPage();
        const started = Date.now();
        await page.goto(`${server.url}?backend=wasm`);
        await page.getByRole('heading', { name: 'ClipMorph Web' }).waitFor();
        const ready = Date.now() - started;
        await page.waitForLoadState('networkidle');
        const initial = snapshot();
        const interactStart = Date.now();
        await page.getByTestId('file-input').setInputFiles(path.join(sharedDir, 'media/starry_in.png'));
        if (style) await page.getByTestId(`style-${style.id}`).click();
        const { millis } = await runToDownload(page);
        const total = ready + (Date.now() - interactStart);
        const after = snapshot();
        await waitForPrecache(page);
        const served = server.take();
        const sum = (match) => served.filter((s) => match(s.path)).reduce((a, s) => a + s.bytes, 0);
        const firstVisit = { all: sum(() => true), ort: sum((p) => p.includes('/ort/')), ffmpeg: sum((p) => p.includes('/ffmpeg/')), models: sum((p) => p.includes('/models/')) };
        runs.push({ readyMs: ready, firstImageMs: total, jobMs: millis, initial, after, firstVisit });
        log(`cold ${i + 1}: app ready ${ready} ms, first image ${total} ms (job ${millis} ms), initial JS ${initial.jsBytes} B (page ${initial.pageJsBytes} B)`);
      } finally {
        await context.close();
      }
    }
    const entry = entryChunk();
    const first = runs[0];
    const fv = (key) => median(runs.map((r) => r.firstVisit[key]));
    const mib = (bytes) => `${round(bytes / 1048576, 1)} MiB`;
    return {
      style: style?.id ?? '(the app\'s default style)',
      readyMs: median(runs.map((r) => r.readyMs)),
      firstImageMs: median(runs.map((r) => r.firstImageMs)),
      firstVisitServedBytes: fv('all'),
      jobMs: median(runs.map((r) => r.jobMs)),
      initialJsBytes: median(runs.map((r) => r.initial.jsBytes)),
      initialPageJsBytes: median(runs.map((r) => r.initial.pageJsBytes)),
      initialWasmBytes: median(runs.map((r) => r.initial.wasmBytes)),
      initialAllBytes: median(runs.map((r) => r.initial.allBytes)),
      jsBytesAfterFirstImage: median(runs.map((r) => r.after.jsBytes)),
      wasmBytesAfterFirstImage: median(runs.map((r) => r.after.wasmBytes)),
      modelBytesAfterFirstImage: median(runs.map((r) => r.after.modelBytes)),
      allBytesAfterFirstImage: median(runs.map((r) => r.after.allBytes)),
      serviceWorkerBytesAfterFirstImage: median(runs.map((r) => r.after.serviceWorkerBytes)),
      largeTransfersByFirstImage: first.after.large,
      initialScripts: first.initial.scripts,
      entry,
      runs: runs.map((r) => ({ readyMs: r.readyMs, firstImageMs: r.firstImageMs, jobMs: r.jobMs })),
      notes: [
        `Median of ${runs.length} runs, each in a fresh browser context (cold HTTP cache, no service worker yet), ?backend=wasm, starry_in.png at the app's default 512 px.`,
        'firstImageMs = navigation start to the download link of the stylised image, with file choice and clicks done by the script at once (no human think time); "initial" = responses finished before the first interaction (page at network idle).',
        `Entry chunk gzip size computed here with zlib level 9 (${round(round(entry.gzipBytes / 1024, 1), 1)} KiB); the bench server sends files uncompressed.`,
        `First visit counted at the server (body bytes it sent from navigation until the first image and the service worker's precache were complete): **${mib(fv('all'))}**, of which ORT ${mib(fv('ort'))}, embedded models and thumbnails ${mib(fv('models'))}, ffmpeg.wasm ${mib(fv('ffmpeg'))}. The "transferred" rows above are Playwright's per-request sizes and stop at the first image.`,
      ],
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
