/**
 * Page side of the service worker: registration, the update prompt, cross-origin isolation on hosts
 * that cannot send headers, and files handed over by the OS (file handlers, share target).
 */
import { create } from 'zustand';

interface UpdateState {
  /** A new version is installed and waits for the user's go-ahead. */
  ready: boolean;
  apply: () => void;
}

export const useUpdateStore = create<UpdateState>(() => ({ ready: false, apply: () => undefined }));

export function registerServiceWorker(appRoot: string): void {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
  // workbox-window and the precache-by-need logic load after the first paint, outside the entry chunk.
  void import('./setup').then((setup) => setup.register(appRoot));
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
