/**
 * The programmatic surface, for other pages and scripts (what the old ViT endpoint's
 * `curl -F file=@photo.jpg` did): give it an image Blob, get back its caption. Two ways in, both
 * documented in ./README.md:
 * - `await window.clipmorph.caption(blob, options?)` from scripts on this page (or a same-origin frame);
 * - `postMessage({ type: 'clipmorph:caption', id, image, options? })` to this window from another
 *   window or frame; the answer goes back to the sender as `clipmorph:caption-result` or
 *   `clipmorph:caption-error` with the same id (through a MessagePort if one was sent along).
 * Both run the same worker path as the Caption button, one caption at a time.
 */
import { captionDefaults, type CaptionSettings } from './meta';

type StateModule = typeof import('./state');

export interface CaptionApiOptions extends Partial<CaptionSettings> {
  /** Catalogue model id (default: the one chosen in the caption task). */
  model?: string;
  /** A name for error messages (default "image"). */
  name?: string;
}

export interface CaptionApiResult {
  caption: string;
  model: string;
  variant: string;
  backend: string;
  /** Encoder + decoder time. */
  ms: number;
  /** Ended at the end token rather than at the maximum length. */
  finished: boolean;
  /** Decoder steps, and how many kept their key/value cache in GPU buffers (WebGPU). */
  steps: number;
  gpuCacheSteps: number;
}

export interface ClipMorphApi {
  version: 1;
  caption(image: Blob, options?: CaptionApiOptions): Promise<CaptionApiResult>;
}

declare global {
  interface Window {
    clipmorph?: Partial<ClipMorphApi> & Record<string, unknown>;
  }
}

const settingKeys = Object.keys(captionDefaults) as (keyof CaptionSettings)[];

async function captionImage(state: () => Promise<StateModule>, image: Blob, options: CaptionApiOptions = {}): Promise<CaptionApiResult> {
  if (!(image instanceof Blob)) throw new TypeError('clipmorph.caption: pass the image as a Blob or File');
  const { captionBlob, chosenModel, loadCaptionModels, useCaptionStore } = await state();
  if (useCaptionStore.getState().models === null) await loadCaptionModels();
  const { models, settings } = useCaptionStore.getState();
  const model = options.model ? models?.find((m) => m.id === options.model) : chosenModel();
  if (!model) throw new Error(options.model ? `clipmorph.caption: no captioning model "${options.model}" in this app's catalogue` : 'clipmorph.caption: this app lists no captioning model');
  const chosen = { ...settings };
  for (const key of settingKeys) if (typeof options[key] === 'number') chosen[key] = options[key];
  const result = await captionBlob(image, options.name ?? 'image', { model, settings: chosen });
  return { caption: result.text, model: model.id, variant: result.variant, backend: result.backend, ms: Math.round(result.captionMs), finished: result.finished, steps: result.steps, gpuCacheSteps: result.gpuCacheSteps };
}

interface CaptionMessage {
  type: 'clipmorph:caption';
  id?: unknown;
  image: Blob | ArrayBuffer | ArrayBufferView;
  options?: CaptionApiOptions;
}

function asBlob(image: CaptionMessage['image']): Blob {
  if (image instanceof Blob) return image;
  if (image instanceof ArrayBuffer || ArrayBuffer.isView(image)) return new Blob([image as BlobPart]);
  throw new TypeError('clipmorph:caption: image must be a Blob, File, ArrayBuffer or typed array');
}

let installed = false;

/** `state` loads the task's state module (./state), on the first call if nothing loaded it before. */
export function installCaptionApi(state: () => Promise<StateModule>): void {
  if (installed || typeof window === 'undefined') return;
  installed = true;
  window.clipmorph = { ...window.clipmorph, version: 1, caption: (image, options) => captionImage(state, image, options) };
  window.addEventListener('message', (event: MessageEvent) => {
    const data = event.data as CaptionMessage | null;
    if (!data || typeof data !== 'object' || data.type !== 'clipmorph:caption') return;
    const reply = (message: Record<string, unknown>) => {
      const port = event.ports[0];
      if (port) port.postMessage(message);
      else if (event.source && 'postMessage' in event.source) (event.source as Window).postMessage(message, { targetOrigin: event.origin && event.origin !== 'null' ? event.origin : '*' });
    };
    void (async () => {
      try {
        const result = await captionImage(state, asBlob(data.image), data.options);
        reply({ type: 'clipmorph:caption-result', id: data.id, ...result });
      } catch (error) {
        reply({ type: 'clipmorph:caption-error', id: data.id, message: error instanceof Error ? error.message : String(error) });
      }
    })();
  });
}
