/**
 * Batches: many photos (or a folder) through the chosen task, one at a time. The task's own
 * `run(input)` does each photo exactly as it would a single one (same settings, same result and
 * file name), so this layer knows no task: it puts each photo in as the input, runs the task,
 * keeps the encoded result (a Blob, never the decoded pixels) and moves on. One photo is decoded at
 * a time; a failure is kept with its reason and the rest carry on; Cancel stops the job under way
 * and the queue. Everything done can be downloaded as one ZIP (client-zip, streamed, loaded only
 * then).
 */
import { create } from 'zustand';
import type { TaskDefinition } from '../features/types';
import { CancelledError, toUserMessage, UserError } from '../lib/errors';
import { runQueue, uniqueName, type ItemStatus } from '../lib/queue';
import { clearResult, openFiles } from './actions';
import { isOnnx, looksLikeImage } from './input';
import { cancelJob } from './jobs';
import { idleJob, useAppStore } from './store';

export interface BatchItem {
  /** The photo's file name. */
  name: string;
  status: ItemStatus;
  error?: string;
  /** The result's file name in the ZIP, deduplicated. */
  fileName?: string;
  bytes?: number;
}

export interface BatchState {
  items: BatchItem[];
  running: boolean;
  /** performance.now() when the current run started, for the time left. */
  startedAt: number;
  /** The task's run label ("Stylise") of the last run, for the summary. */
  taskId: string;
  /** Files left out because they are not photos (videos, documents in a folder). */
  skipped: number;
}

const empty: BatchState = { items: [], running: false, startedAt: 0, taskId: '', skipped: 0 };
export const useBatchStore = create<BatchState>(() => empty);

const set = useBatchStore.setState;
const get = useBatchStore.getState;
const shared = useAppStore;

/** The photos themselves and the finished results stay out of the store (no re-render per byte). */
let files: File[] = [];
let results: Array<Blob | undefined> = [];
let controller: AbortController | null = null;

/** Tasks that make a picture from a picture run in batches here (style, depth); captions keep their own. */
export function canBatch(task: TaskDefinition): boolean {
  return task.meta.inputs.includes('image') && task.meta.outputs.includes('image');
}

/**
 * Files from the picker, a drop, a folder or the share sheet. Two or more photos for a task that
 * can batch become a batch; anything else opens as before (one input, a model file, a video).
 */
export async function openMany(list: FileList | File[], task: TaskDefinition): Promise<void> {
  const all = Array.from(list);
  const photos = all.filter((f) => !isOnnx(f) && looksLikeImage(f) && !/\.gif$/i.test(f.name));
  if (!canBatch(task) || photos.length < 2 || get().running) {
    await openFiles(all, task);
    return;
  }
  loadBatch(photos, all.length - photos.length);
}

export function loadBatch(photos: File[], skipped = 0): void {
  // The batch replaces the single photo on show (and stops a job running on it).
  cancelJob();
  clearInput();
  files = photos;
  results = [];
  set({ ...empty, skipped, items: photos.map((f) => ({ name: f.name, status: 'waiting' })) });
}

function update(index: number, patch: Partial<BatchItem>): void {
  set((s) => ({ items: s.items.map((item, i) => (i === index ? { ...item, ...patch } : item)) }));
}

function clearInput(): void {
  const previous = shared.getState().input;
  if (previous) URL.revokeObjectURL(previous.previewUrl);
  clearResult();
  shared.setState({ input: null, error: null, job: idleJob });
}

/** Puts `file` in as the shared input, as opening it would (its old result goes). */
function showInput(file: File): void {
  clearInput();
  shared.setState({ input: { file, name: file.name, previewUrl: URL.createObjectURL(file), video: null } });
}

/** One photo through the task; resolves with its encoded result or rejects with the reason it failed. */
async function runOne(task: TaskDefinition, file: File, signal: AbortSignal): Promise<{ blob: Blob; fileName: string }> {
  showInput(file);
  await task.run(shared.getState().input!);
  const { job, result, error } = shared.getState();
  if (signal.aborted || job.status === 'cancelled') {
    // Cancel in the job bar (or a new file, or another task) stops the whole batch, not one photo.
    controller?.abort(new CancelledError());
    throw new CancelledError();
  }
  if (job.status !== 'done' || !result || result.task !== task.meta.id || !result.url) {
    throw new UserError(error ?? `${task.meta.label} made no result for "${file.name}".`);
  }
  const blob = await (await fetch(result.url)).blob();
  return { blob, fileName: result.fileName };
}

/** Runs the chosen task on every photo of the batch (again, if it ran before). */
export async function runBatch(task: TaskDefinition): Promise<void> {
  if (get().running || files.length === 0) return;
  controller = new AbortController();
  const signal = controller.signal;
  results = [];
  const taken = new Set<string>();
  set((s) => ({ running: true, startedAt: performance.now(), taskId: task.meta.id, items: s.items.map((i) => ({ name: i.name, status: 'waiting' as const })) }));
  try {
    await runQueue(files, (file, _i, s) => runOne(task, file, s), {
      signal,
      describe: toUserMessage,
      onItem: (index, item) => {
        if (item.status === 'done' && item.result) {
          results[index] = item.result.blob;
          update(index, { status: 'done', error: undefined, fileName: uniqueName(item.result.fileName, taken), bytes: item.result.blob.size });
        } else update(index, { status: item.status, error: item.error });
        // The failure is shown on its row; the page-wide alert is for single photos.
        if (item.status === 'failed') shared.setState({ error: null });
      },
    });
  } finally {
    controller = null;
    set({ running: false });
    // A photo that could not be read is not left on show as the input.
    const shown = files.indexOf(shared.getState().input?.file as File);
    if (shown >= 0 && get().items[shown]?.status === 'failed') clearInput();
  }
}

export function cancelBatch(): void {
  controller?.abort(new CancelledError());
  cancelJob();
}

/** Back to one photo at a time. */
export function clearBatch(): void {
  cancelBatch();
  files = [];
  results = [];
  set(empty);
}

/** The finished results as one ZIP (stored, not deflated: PNG, JPEG and WebP are compressed already). */
export async function zipResults(): Promise<Blob> {
  const { downloadZip } = await import('client-zip');
  const lastModified = new Date();
  const entries = get()
    .items.map((item, i) => ({ item, blob: results[i] }))
    .filter(({ item, blob }) => item.status === 'done' && blob && item.fileName)
    .map(({ item, blob }) => ({ name: item.fileName!, input: blob!, lastModified }));
  return downloadZip(entries).blob();
}

/** "clipmorph-style-4-photos.zip" */
export function zipName(): string {
  const done = get().items.filter((i) => i.status === 'done').length;
  return `clipmorph-${get().taskId || 'batch'}-${done}-photo${done === 1 ? '' : 's'}.zip`;
}
