/** What the UI can do whatever the task: open files, replace the input and the result, cancel, show errors. */
import { toUserMessage, UserError } from '../lib/errors';
import { isOnnx, mediaKind, openVideoFile, sniffFile } from './input';
import { appRoot, cancelJob, showError } from './jobs';
import { idleJob, useAppStore, type InputFile, type TaskResult } from './store';

const set = useAppStore.setState;
const get = useAppStore.getState;

export { appRoot, cancelJob, showError };

/** What the chosen task does with files that are not its input (a dropped .onnx model). */
export interface FileHandlers {
  openModel?: (file: File) => Promise<void>;
}

/**
 * Replaces the current input (and its result) once the new file is known to be readable. A job still
 * running on the old input is cancelled: its result would belong to a file no longer shown.
 */
function setInput(input: InputFile): void {
  cancelJob();
  const previous = get().input;
  if (previous) URL.revokeObjectURL(previous.previewUrl);
  clearResult();
  set({ input, error: null, job: idleJob });
}

async function openImage(file: File): Promise<InputFile> {
  try {
    // Decoding once here catches damaged files at drop time instead of at Run.
    const bitmap = await createImageBitmap(file);
    bitmap.close();
  } catch {
    const [{ unreadableImage }, sniffed] = await Promise.all([import('../media/sniff'), sniffFile(file)]);
    throw new UserError(unreadableImage(`"${file.name}"`, sniffed));
  }
  return { file, name: file.name, previewUrl: URL.createObjectURL(file), video: null };
}

async function openModel(file: File, handlers: FileHandlers): Promise<void> {
  if (!handlers.openModel) throw new UserError(`"${file.name}" is a model file, and this task takes no model of your own. Drop a photo or a video.`);
  await handlers.openModel(file);
  set({ error: null });
}

/**
 * Counts opens of a photo or video: one that finishes after a newer one started (a slow video probe, a
 * restored input) is dropped. A model file is not an input, so it neither counts nor drops one (a
 * style model dropped while a photo was still being read used to lose the photo).
 */
let latestOpen = 0;

/** Files from the picker or a drop. Whatever fails, the current photo or video and result stay as they were. */
export async function openFiles(files: FileList | File[], handlers: FileHandlers = {}): Promise<void> {
  const list = Array.from(files);
  if (list.length === 0) return;
  const opensInput = list.some((file) => !isOnnx(file));
  const ticket = opensInput ? ++latestOpen : latestOpen;
  const superseded = () => opensInput && ticket !== latestOpen;
  const accept = (input: InputFile) => {
    if (superseded()) URL.revokeObjectURL(input.previewUrl);
    else setInput(input);
  };
  try {
    for (const file of list) {
      // Run is held until the file is open: until then it would run the input being replaced.
      if (!isOnnx(file) && !superseded()) set({ opening: file.name });
      // The content decides (a video named .png is a video); empty, text and oversized files are refused here.
      const kind = isOnnx(file) ? null : await mediaKind(file);
      if (isOnnx(file)) await openModel(file, handlers);
      else if (kind === 'video') accept(await openVideoFile(file));
      else if (kind === 'image') accept(await openImage(file));
      else throw new UserError(`"${file.name}" is neither an image nor a video. Drop a photo (PNG, JPEG, WebP), a video (MP4, MOV, WebM, AVI...)${handlers.openModel ? ', or an .onnx model' : ''}.`);
    }
  } catch (error) {
    if (!superseded()) showError(toUserMessage(error));
  } finally {
    if (opensInput && !superseded()) set({ opening: null });
  }
}

export function clearResult(): void {
  const { result } = get();
  if (result?.url) URL.revokeObjectURL(result.url);
  set({ result: null });
}

/** Shows `result` in place of the current one (whose download URL is revoked, unless `result` keeps it). */
export function setResult(result: TaskResult): void {
  const previous = get().result;
  if (previous?.url && previous.url !== result.url) URL.revokeObjectURL(previous.url);
  set({ result });
}

/** Switches the task; the input stays, a result from the other task goes. */
export function chooseTask(id: string): void {
  if (get().task === id) return;
  cancelJob();
  clearResult();
  set({ task: id, error: null, job: idleJob });
}
