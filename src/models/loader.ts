/**
 * Fetches an embedded model file from the app with progress and checks its size and sha256 (the
 * service worker's precache keeps it offline). Catalogue models (downloaded on request, several
 * files each) go through the model manager (manager.ts), which this delegates to.
 */
import { abortable, throwIfAborted } from '../lib/abortable';
import { isCancelled, UserError } from '../lib/errors';
import { needOf } from '../sw/need';
import type { ModelEntry, ModelVariant } from './registry';

export interface LoadOptions {
  appRoot: string;
  signal?: AbortSignal;
  onProgress?: (loaded: number, total: number) => void;
}

export function variantUrl(variant: ModelVariant, appRoot: string): string {
  return /^https?:/.test(variant.file) ? variant.file : new URL(`models/${variant.file}`, appRoot).href;
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function readWithProgress(response: Response, expected: number, options: LoadOptions): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  options.onProgress?.(0, expected);
  for (;;) {
    const { done, value } = await abortable(reader.read(), options.signal).catch((error: unknown) => {
      void reader.cancel().catch(() => undefined);
      throw error;
    });
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    options.onProgress?.(loaded, expected);
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

async function verify(model: ModelEntry, variant: ModelVariant, bytes: Uint8Array): Promise<void> {
  if (bytes.byteLength !== variant.bytes) {
    throw new UserError(
      `The model "${model.title}" arrived incomplete (${bytes.byteLength} of ${variant.bytes} bytes). Check your connection and try again.`,
    );
  }
  if ((await sha256Hex(bytes)) !== variant.sha256) {
    throw new UserError(
      `The model "${model.title}" failed its integrity check (sha256 mismatch), so it was not used. Try again; if it persists, the file on the server has changed.`,
    );
  }
}

/**
 * A built-in file the app fetches the first time it is used rather than on the first visit (the
 * service worker's by-need list, src/sw/need.ts): *Best quality*'s files. When that first fetch
 * fails, say which file it is and point at what works without it, rather than a bare network error.
 * The advice depends on what failed: no answer at all (`status` undefined: offline, or the site is
 * unreachable) asks for a connection; an answer with an error status means the connection is fine
 * and the site's copy is at fault (a 404 while a new version is being published, a 5xx), so asking
 * to "connect to the internet" would send the user the wrong way.
 */
function onDemandError(model: ModelEntry, variant: ModelVariant, status: number | undefined, cause?: unknown): UserError | null {
  if (needOf(`models/${variant.file}`) !== 'quality') return null;
  const mb = (variant.bytes / 2 ** 20).toFixed(1);
  const head = `Best quality for "${model.title}" needs its model file (${mb} MB), which the app downloads the first time Best quality runs, and it could not be downloaded`;
  const tail = 'Once downloaded, Best quality works offline too.';
  if (status === undefined) {
    return new UserError(
      `${head} (the network request failed). Connect to the internet and run it again, or choose Fast, which works offline. ${tail}`,
      { cause },
    );
  }
  const what = status === 404 ? 'the site does not have this file (HTTP 404): it may be publishing a new version' : `the site answered HTTP ${status}`;
  return new UserError(
    `${head}: ${what}. Reload the page and run it again in a few minutes, or choose Fast, which is already on this device. ${tail}`,
    { cause },
  );
}

/**
 * The bytes of a single-file variant. Kept for callers that predate multi-file models; new code
 * calls manager.loadVariantFiles. A catalogue variant's main file comes from this device only
 * (downloads start from the "Models on this device" panel, when the user asks).
 */
export async function loadModelBytes(model: ModelEntry, variant: ModelVariant, options: LoadOptions): Promise<Uint8Array> {
  if (variant.files) {
    const { loadVariantFiles } = await import('./manager');
    const [main] = await loadVariantFiles(model, variant, { appRoot: options.appRoot, signal: options.signal, onProgress: options.onProgress });
    return main.bytes;
  }
  const url = variantUrl(variant, options.appRoot);
  throwIfAborted(options.signal);
  let response: Response;
  try {
    response = await fetch(url, { signal: options.signal, credentials: 'same-origin' });
  } catch (error) {
    if (isCancelled(error)) throw error;
    throw (
      onDemandError(model, variant, undefined, error) ??
      new UserError(`Could not download the model "${model.title}": the network request failed. Check your connection and try again.`, { cause: error })
    );
  }
  if (!response.ok) {
    throw onDemandError(model, variant, response.status) ?? new UserError(`Could not download the model "${model.title}" (HTTP ${response.status}). Try again later.`);
  }
  const bytes = await readWithProgress(response, variant.bytes, options);
  await verify(model, variant, bytes);
  return bytes;
}
