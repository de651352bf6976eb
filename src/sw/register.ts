/**
 * Page side of the service worker: registration, the update prompt, cross-origin isolation on hosts
 * that cannot send headers, and files handed over by the OS (file handlers, share target).
 */
import { Workbox } from 'workbox-window';
import { create } from 'zustand';
import { chooseBackend, probeWebGpu } from '../runtime/capabilities';
import { useAppStore } from '../state/store';

interface UpdateState {
  /** A new version is installed and waits for the user's go-ahead. */
  ready: boolean;
  apply: () => void;
}

export const useUpdateStore = create<UpdateState>(() => ({ ready: false, apply: () => undefined }));

const RELOADED_FOR_ISOLATION = 'clipmorph-coi-reload';

export function registerServiceWorker(appRoot: string): void {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
  const workbox = new Workbox(new URL('sw.js', appRoot).href, { scope: appRoot });
  workbox.addEventListener('waiting', () => {
    useUpdateStore.setState({
      ready: true,
      apply: () => {
        workbox.addEventListener('controlling', () => location.reload());
        workbox.messageSkipWaiting();
      },
    });
  });
  // First visit on a host without COOP/COEP: once the worker controls the page it adds them, and
  // one reload makes the page cross-origin isolated (threads on). Guarded so it never loops.
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (!self.crossOriginIsolated && !sessionStorage.getItem(RELOADED_FOR_ISOLATION)) {
      sessionStorage.setItem(RELOADED_FOR_ISOLATION, '1');
      location.reload();
    }
  });
  void workbox.register();
  void askForRuntimes();
}

/**
 * Precache by need: the worker keeps ORT's WASM runtime everywhere and its WebGPU runtime only
 * where this page runs on WebGPU (a software adapter runs WASM, so it never needs it).
 * Asked only while no job runs: a job started before the worker controlled the page loads the
 * runtime itself, and once that download is over the worker's copy is a 304 revalidation from the
 * HTTP cache instead of a second download of the same 14-26 MB.
 */
async function askForRuntimes(): Promise<void> {
  const registration = await navigator.serviceWorker.ready;
  registration.active?.postMessage({ type: 'PRECACHE_SHELL' });
  const backend = chooseBackend(new URLSearchParams(location.search).get('backend'), await probeWebGpu());
  await whenNoJobRuns();
  registration.active?.postMessage({ type: 'PRECACHE_RUNTIMES', backend });
}

function whenNoJobRuns(): Promise<void> {
  return new Promise((resolve) => {
    if (useAppStore.getState().job.status !== 'running') return resolve();
    const stop = useAppStore.subscribe((s) => {
      if (s.job.status !== 'running') {
        stop();
        resolve();
      }
    });
  });
}

/** Files shared to the installed app (share_target) were parked by the worker in a cache. */
export async function takeSharedFiles(): Promise<File[]> {
  if (!new URLSearchParams(location.search).has('shared') || typeof caches === 'undefined') return [];
  const cache = await caches.open('clipmorph-shared');
  const files: File[] = [];
  for (const request of await cache.keys()) {
    const response = await cache.match(request);
    if (response) {
      const name = decodeURIComponent(response.headers.get('X-File-Name') ?? 'shared');
      files.push(new File([await response.blob()], name, { type: response.headers.get('Content-Type') ?? '' }));
    }
    await cache.delete(request);
  }
  history.replaceState(null, '', location.pathname);
  return files;
}

interface LaunchParams {
  files: FileSystemFileHandle[];
}

/** Files opened with the installed app from the OS (manifest file_handlers). */
export function onLaunchFiles(open: (files: File[]) => void): void {
  const queue = (window as Window & { launchQueue?: { setConsumer(consumer: (params: LaunchParams) => void): void } }).launchQueue;
  queue?.setConsumer((params) => {
    if (params.files.length > 0) void Promise.all(params.files.map((handle) => handle.getFile())).then(open);
  });
}
