/// <reference lib="webworker" />
/**
 * Service worker: precaches the app shell, ONNX Runtime and ffmpeg.wasm runtimes and the embedded
 * models at install, so one visit is enough to work offline. It also adds the cross-origin
 * isolation headers (WASM threads need them) on hosts that cannot send headers, and receives files
 * shared to the installed app. Downloaded catalogue models are cached by the app (models/loader.ts).
 */
import { PrecacheController, type PrecacheEntry } from 'workbox-precaching';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<PrecacheEntry | string> };

const precache = new PrecacheController({ cacheName: 'clipmorph-app' });
precache.addToCacheList(self.__WB_MANIFEST);

export const SHARED_CACHE = 'clipmorph-shared';

// No skipWaiting here: a new version waits until the user accepts the update prompt, so a page
// never runs half old and half new code.
self.addEventListener('install', (event) => event.waitUntil(precache.install(event)));
self.addEventListener('activate', (event) => event.waitUntil(precache.activate(event).then(() => self.clients.claim())));

self.addEventListener('message', (event) => {
  const type = (event.data as { type?: string } | null)?.type;
  if (type === 'SKIP_WAITING') void self.skipWaiting();
  if (type === 'PRECACHE_STATUS') event.waitUntil(reportPrecache(event));
});

async function reportPrecache(event: ExtendableMessageEvent): Promise<void> {
  const cache = await caches.open('clipmorph-app');
  const entries = await Promise.all(
    precache.getCachedURLs().map(async (url) => ({ url, cached: Boolean(await cache.match(precache.getCacheKeyForURL(url) ?? url)) })),
  );
  event.ports[0]?.postMessage(entries);
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
