/// <reference lib="webworker" />
/**
 * Service worker: precaches the app shell and the embedded models at install, so one visit is
 * enough to work offline. The big runtimes are cached by need, each fetched once:
 * - ORT's WASM runtime (`ort/ort-wasm-simd-threaded.{mjs,wasm}`) when the page first loads it or
 *   when the page asks (PRECACHE_RUNTIMES), whichever comes first; a request while it is on its way
 *   waits for that one download instead of starting another;
 * - ORT's WebGPU runtime (`*.asyncify.*`) only when the page runs on WebGPU;
 * - ffmpeg.wasm (`ffmpeg/`) the first time a video needs it;
 * - the quality-tier style files (`models/style/*.hq.*.onnx`, 7–10 MB each) the first time *Best
 *   quality* runs them: it is opt-in, so a first visit does not pay for it.
 * It also adds the cross-origin isolation headers (WASM threads need them) on hosts that cannot send
 * headers, and receives files shared to the installed app. Downloaded catalogue models are stored by
 * the model manager (src/models, OPFS), not here; requests to other origins pass through untouched.
 */
import { PrecacheController, type PrecacheEntry } from 'workbox-precaching';
import { needOf, type Need } from './need';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<PrecacheEntry | string> };

const entries = self.__WB_MANIFEST.map((e) => (typeof e === 'string' ? { url: e, revision: null } : e));
const precache = new PrecacheController({ cacheName: 'clipmorph-app' });
const inFlight = new Map<string, Promise<void>>();
precache.addToCacheList(entries.filter((e) => needOf(e.url) === null));

export const RUNTIME_CACHE = 'clipmorph-runtimes';

interface RuntimeFile {
  url: string;
  need: Need;
  /** Cache key: the URL with its build revision, so a new ORT version is fetched again. */
  key: string;
}

const runtimeFiles = new Map<string, RuntimeFile>(
  entries
    .filter((e) => needOf(e.url) !== null)
    .map((e) => {
      const url = new URL(e.url, self.registration.scope).href;
      return [url, { url, need: needOf(e.url)!, key: e.revision ? `${url}?__rev=${e.revision}` : url }];
    }),
);

/** Runtimes this device keeps: WASM everywhere (every backend's fallback), WebGPU when the page says it runs it. */
const wanted = new Set<Need>(['wasm']);

/** Downloads a runtime file once into RUNTIME_CACHE; concurrent callers share the one download. */
/**
 * Fetches `url` once into `cacheName` under `key`; concurrent callers (the page's request, the
 * precache fill) share the one download, so no file crosses the network twice.
 */
function storeOnce(url: string, key: string, cacheName: string): Promise<void> {
  let pending = inFlight.get(key);
  if (!pending) {
    pending = (async () => {
      const cache = await caches.open(cacheName);
      if (await cache.match(key)) return;
      // Default cache mode: a file the page fetched before this worker controlled it is revalidated
      // from the HTTP cache where the browser kept it (304), not downloaded again.
      const response = await fetch(url, { credentials: 'same-origin' });
      if (!response.ok) throw new Error(`HTTP ${response.status} for ${url}`);
      await cache.put(key, response);
    })().finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  return pending;
}

const storeRuntime = (file: RuntimeFile) => storeOnce(file.url, file.key, RUNTIME_CACHE);

/** Serves from `cacheName`, storing the file first if it is not there yet (once, shared). */
async function respondOnce(request: Request, url: string, key: string, cacheName: string): Promise<Response> {
  const cache = await caches.open(cacheName);
  const hit = await cache.match(key);
  if (hit) return hit;
  try {
    await storeOnce(url, key, cacheName);
    return (await cache.match(key)) ?? fetch(request);
  } catch {
    return fetch(request); // e.g. storage full: still serve it, just not kept
  }
}

const APP_CACHE = 'clipmorph-app';
const shellKeys = precache.getURLsToCacheKeys();

/**
 * First visit: the shell is precached after this worker took control (not during install), so
 * the page's own requests and the precache share one download of each file.
 */
async function fillShell(): Promise<void> {
  const cache = await caches.open(APP_CACHE);
  const missing: Array<[string, string]> = [];
  for (const [url, key] of shellKeys) if (!(await cache.match(key))) missing.push([url, key]);
  // A few at a time: as fast as one by one on a slow link, without flooding a fast one.
  const queue = missing.values();
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (const [url, key] of queue) await storeOnce(url, key, APP_CACHE).catch(() => undefined);
    }),
  );
}

/** Drops runtime files of older deployments. */
async function pruneRuntimes(): Promise<void> {
  const cache = await caches.open(RUNTIME_CACHE);
  const current = new Set([...runtimeFiles.values()].map((f) => f.key));
  for (const request of await cache.keys()) if (!current.has(request.url)) await cache.delete(request);
}

export const SHARED_CACHE = 'clipmorph-shared';

// No skipWaiting here: a new version waits until the user accepts the update prompt, so a page
// never runs half old and half new code. An update precaches everything before it can take over;
// the first install has no page to keep consistent, so it activates at once and takes control
// within a moment, and the page asks it to fill the precache (PRECACHE_SHELL) from then on.
self.addEventListener('install', (event) => {
  if (self.registration.active) event.waitUntil(Promise.all([precache.install(event), renewRuntimes()]));
});

/** An update fetches, before it can take over, the new build of every runtime this device kept, so it still works offline. */
async function renewRuntimes(): Promise<void> {
  const cache = await caches.open(RUNTIME_CACHE);
  const kept = new Set((await cache.keys()).map((request) => request.url.split('?')[0]));
  await Promise.all([...runtimeFiles.values()].filter((f) => kept.has(f.url)).map(storeRuntime));
}
self.addEventListener('activate', (event) =>
  event.waitUntil(
    precache
      .activate(event)
      .then(pruneRuntimes)
      .then(() => self.clients.claim()),
  ),
);

self.addEventListener('message', (event) => {
  const type = (event.data as { type?: string } | null)?.type;
  if (type === 'SKIP_WAITING') void self.skipWaiting();
  if (type === 'PRECACHE_STATUS') event.waitUntil(reportPrecache(event));
  if (type === 'PRECACHE_SHELL') event.waitUntil(fillShell());
  if (type === 'PRECACHE_RUNTIMES') {
    const { backend } = event.data as { backend?: string };
    if (backend === 'webgpu') wanted.add('webgpu');
    event.waitUntil(
      Promise.all([...runtimeFiles.values()].filter((f) => wanted.has(f.need)).map((f) => storeRuntime(f).catch(() => undefined))),
    );
  }
});

/**
 * The shell's entries, plus each runtime file this device wants or already has: what must be
 * cached for the app to work offline here. `need` says why a runtime file is listed.
 */
async function reportPrecache(event: ExtendableMessageEvent): Promise<void> {
  const app = await caches.open(APP_CACHE);
  const runtimes = await caches.open(RUNTIME_CACHE);
  const shell = await Promise.all(
    precache.getCachedURLs().map(async (url) => ({ url, cached: Boolean(await app.match(precache.getCacheKeyForURL(url) ?? url)) })),
  );
  const byNeed = await Promise.all(
    [...runtimeFiles.values()].map(async (f) => ({ url: f.url, need: f.need, cached: Boolean(await runtimes.match(f.key)) })),
  );
  event.ports[0]?.postMessage([...shell, ...byNeed.filter((f) => f.cached || wanted.has(f.need))]);
}

function withIsolationHeaders(response: Response): Response {
  if (response.type === 'opaque' || response.headers.has('Cross-Origin-Embedder-Policy')) return response;
  const headers = new Headers(response.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  headers.set('Cross-Origin-Resource-Policy', 'same-origin');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

async function respond(request: Request): Promise<Response> {
  const url = request.url.split('#')[0];
  const runtime = runtimeFiles.get(url);
  if (runtime) return withIsolationHeaders(await respondOnce(request, runtime.url, runtime.key, RUNTIME_CACHE));
  const shellKey = shellKeys.get(url);
  if (shellKey) return withIsolationHeaders(await respondOnce(request, url, shellKey, APP_CACHE));
  const cached =
    (await precache.matchPrecache(request)) ??
    (request.mode === 'navigate' ? await precache.matchPrecache(new URL('index.html', self.registration.scope).href) : undefined);
  return withIsolationHeaders(cached ?? (await fetch(request)));
}

/** Files shared to the installed app arrive as a POST; park them and open the app on them. */
async function receiveShare(request: Request): Promise<Response> {
  const form = await request.formData();
  const cache = await caches.open(SHARED_CACHE);
  const files = form.getAll('media').filter((f): f is File => f instanceof File);
  await Promise.all(
    files.map((file, i) =>
      cache.put(new URL(`shared/${i}`, self.registration.scope).href, new Response(file, { headers: { 'Content-Type': file.type, 'X-File-Name': encodeURIComponent(file.name) } })),
    ),
  );
  return Response.redirect(new URL('./?shared=1', self.registration.scope).href, 303);
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method === 'POST' && url.pathname.endsWith('/share-target')) {
    event.respondWith(receiveShare(request));
    return;
  }
  // Other origins (catalogue model hosts) and non-GET requests go to the network untouched.
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  event.respondWith(respond(request));
});
