/// <reference lib="webworker" />
/**
 * Service worker: precaches the app shell and the embedded models at install, so one visit is
 * enough to work offline. The big runtimes are cached by need, each fetched once:
 * - ORT's WASM runtime (`ort/ort-wasm-simd-threaded.{mjs,wasm}`) when the page first loads it or
 *   when the page asks (PRECACHE_RUNTIMES), whichever comes first; a request while it is on its way
 *   waits for that one download instead of starting another;
 * - ORT's WebGPU runtime (`*.asyncify.*`) only when the page runs on WebGPU;
 * - ffmpeg.wasm (`ffmpeg/`) the first time a video needs it.
 * It also adds the cross-origin isolation headers (WASM threads need them) on hosts that cannot send
 * headers, and receives files shared to the installed app. Downloaded catalogue models are stored by
 * the model manager (src/models, OPFS), not here; requests to other origins pass through untouched.
 */
import { PrecacheController, type PrecacheEntry } from 'workbox-precaching';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<PrecacheEntry | string> };

type Need = 'wasm' | 'webgpu' | 'ffmpeg';

/** Which runtime a built file belongs to, or null for the shell (precached at install). */
function needOf(url: string): Need | null {
  if (/(^|\/)ffmpeg\//.test(url)) return 'ffmpeg';
  if (/(^|\/)ort\/ort-wasm-simd-threaded\.asyncify\.(mjs|wasm)$/.test(url)) return 'webgpu';
  if (/(^|\/)ort\/ort-wasm-simd-threaded\.(mjs|wasm)$/.test(url)) return 'wasm';
  return null;
}

const entries = self.__WB_MANIFEST.map((e) => (typeof e === 'string' ? { url: e, revision: null } : e));
const precache = new PrecacheController({ cacheName: 'clipmorph-app' });
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

/** Runtimes this device was asked to keep (the page says which backend it runs). */
const wanted = new Set<Need>();
const inFlight = new Map<string, Promise<void>>();

/** Downloads a runtime file once into RUNTIME_CACHE; concurrent callers share the one download. */
function storeRuntime(file: RuntimeFile): Promise<void> {
  let pending = inFlight.get(file.key);
  if (!pending) {
    pending = (async () => {
      const cache = await caches.open(RUNTIME_CACHE);
      if (await cache.match(file.key)) return;
      // Default cache mode: if the page already fetched it (before this worker controlled it), the
      // HTTP cache revalidates it (304) instead of downloading it again.
      const response = await fetch(file.url, { credentials: 'same-origin' });
      if (!response.ok) throw new Error(`HTTP ${response.status} for ${file.url}`);
      await cache.put(file.key, response);
    })().finally(() => inFlight.delete(file.key));
    inFlight.set(file.key, pending);
  }
  return pending;
}

async function respondRuntime(request: Request, file: RuntimeFile): Promise<Response> {
  const cache = await caches.open(RUNTIME_CACHE);
  const hit = await cache.match(file.key);
  if (hit) return hit;
  try {
    await storeRuntime(file);
    return (await cache.match(file.key)) ?? fetch(request);
  } catch {
    return fetch(request); // e.g. storage full: still serve it, just not kept
  }
}

/** Drops runtime files of older deployments. */
async function pruneRuntimes(): Promise<void> {
  const cache = await caches.open(RUNTIME_CACHE);
  const current = new Set([...runtimeFiles.values()].map((f) => f.key));
  for (const request of await cache.keys()) if (!current.has(request.url)) await cache.delete(request);
}

export const SHARED_CACHE = 'clipmorph-shared';

// No skipWaiting here: a new version waits until the user accepts the update prompt, so a page
// never runs half old and half new code.
self.addEventListener('install', (event) => event.waitUntil(precache.install(event)));
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
  if (type === 'PRECACHE_RUNTIMES') {
    const { backend } = event.data as { backend?: string };
    wanted.add('wasm'); // the WASM runtime serves every backend's fallback
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
  const app = await caches.open('clipmorph-app');
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
  const runtime = runtimeFiles.get(request.url.split('?')[0]);
  if (runtime) return withIsolationHeaders(await respondRuntime(request, runtime));
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
