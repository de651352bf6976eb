/**
 * The service worker's page side, loaded after the first paint (register.ts imports it lazily):
 * registration, the update prompt, the one reload for cross-origin isolation, and precache by need.
 */
import { Workbox } from 'workbox-window';
import { answerMemoryQuestions } from '../models/choices';
import { chooseBackend, probeWebGpu } from '../runtime/capabilities';
import { useAppStore } from '../state/store';
import { useUpdateStore } from './register';

const RELOADED_FOR_ISOLATION = 'clipmorph-coi-reload';

export function register(appRoot: string): void {
  answerMemoryQuestions(); // workers about to download ask whether the user chose "Run from memory this time"
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
 * Asked only while no job runs: the first install takes control at once, so a job's worker is
 * normally controlled and shares the worker's one download; a job whose worker started earlier
 * loads the runtime itself, and asking after it finished lets the browser's HTTP cache answer with
 * a 304 where it could keep the file, rather than racing it with a second download.
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

