/**
 * The batch driver with a stand-in task that runs through the real job layer (runAsJob, setResult):
 * results collected per photo, a failure kept on its row while the rest carry on, names deduplicated
 * for the ZIP, Cancel in the job bar stopping the whole batch, and which opens become batches.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { TaskDefinition } from '../features/types';
import { UserError } from '../lib/errors';
import { outputFileName } from '../lib/filename';
import { setResult } from './actions';
import { canBatch, clearBatch, loadBatch, openMany, runBatch, useBatchStore, zipName, zipResults } from './batch';
import { cancelJob, runAsJob } from './jobs';
import { useAppStore, type InputFile } from './store';

/** Runs that started, in order, and photos decoded at the same time (must stay at most 1). */
let started: string[] = [];
let decoding = 0;
let peakDecoding = 0;
let onStart: ((name: string) => void) | null = null;

function fakeTask(outputs: TaskDefinition['meta']['outputs'] = ['image']): TaskDefinition {
  return {
    meta: { id: 'fake', label: 'Fake', description: '', inputs: ['image'], outputs, runLabel: 'Paint', progressLabel: 'Painting' },
    Options: () => null,
    Result: () => null,
    useCanRun: () => true,
    async run(input: InputFile) {
      await runAsJob('Reading image', async (signal) => {
        started.push(input.name);
        decoding++;
        peakDecoding = Math.max(peakDecoding, decoding);
        try {
          onStart?.(input.name);
          await new Promise((resolve, reject) => {
            const timer = setTimeout(resolve, 5);
            signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)));
          });
          if (input.name.startsWith('broken')) throw new UserError(`Could not read "${input.name}" as an image.`);
          const bytes = `painted ${input.name} (${await input.file.text()})`;
          setResult({ task: 'fake', url: URL.createObjectURL(new Blob([bytes])), fileName: outputFileName(input.name, 'starry-night', 'png'), payload: null });
          return 'Done';
        } finally {
          decoding--;
        }
      });
    },
  };
}

const photo = (name: string, body = name) => new File([body], name, { type: 'image/png' });

beforeEach(() => {
  clearBatch();
  useAppStore.setState({ input: null, result: null, error: null });
  started = [];
  decoding = 0;
  peakDecoding = 0;
  onStart = null;
});

describe('runBatch', () => {
  it('runs every photo once, one at a time, keeps a failure on its row and carries on', async () => {
    loadBatch([photo('a.png'), photo('broken.jpg'), photo('c.png')]);
    await runBatch(fakeTask());
    expect(started).toEqual(['a.png', 'broken.jpg', 'c.png']);
    expect(peakDecoding).toBe(1);
    const items = useBatchStore.getState().items;
    expect(items.map((i) => i.status)).toEqual(['done', 'failed', 'done']);
    expect(items[1].error).toBe('Could not read "broken.jpg" as an image.');
    expect(items[0].fileName).toBe('a-starry-night.png');
    // The page-wide alert is not left showing one photo's failure; the running flag is down.
    expect(useAppStore.getState().error).toBeNull();
    expect(useBatchStore.getState().running).toBe(false);
    expect(zipName()).toBe('clipmorph-fake-2-photos.zip');
    // The ZIP (client-zip, stored) holds the two results, bytes as the task made them, and nothing for the failure.
    const zip = Buffer.from(await (await zipResults()).arrayBuffer());
    expect(zip.subarray(0, 4)).toEqual(Buffer.from('PK\x03\x04', 'latin1'));
    const text = zip.toString('latin1');
    expect(text).toContain('painted a.png (a.png)');
    expect(text).toContain('painted c.png (c.png)');
    expect(text).not.toContain('broken');
    // One local header per file.
    expect(text.split('PK\x03\x04').length - 1).toBe(2);
  });

  it('gives two photos of the same name two result names', async () => {
    loadBatch([photo('IMG_1.png', 'first'), photo('IMG_1.png', 'second'), photo('img_1.png', 'third')]);
    await runBatch(fakeTask());
    expect(useBatchStore.getState().items.map((i) => i.fileName)).toEqual(['IMG_1-starry-night.png', 'IMG_1-starry-night-2.png', 'img_1-starry-night-3.png']);
  });

  it('stops the whole batch when the job bar cancels the photo under way', async () => {
    onStart = (name) => name === 'b.png' && queueMicrotask(cancelJob);
    loadBatch([photo('a.png'), photo('b.png'), photo('c.png'), photo('d.png')]);
    await runBatch(fakeTask());
    expect(started).toEqual(['a.png', 'b.png']);
    expect(useBatchStore.getState().items.map((i) => i.status)).toEqual(['done', 'cancelled', 'cancelled', 'cancelled']);
  });
});

describe('openMany', () => {
  it('makes a batch of two or more photos for a task that paints pictures, leaving other files out', async () => {
    await openMany([photo('a.png'), photo('b.jpg'), new File(['x'], 'notes.txt'), new File(['x'], 'style.onnx')], fakeTask());
    expect(useBatchStore.getState().items.map((i) => i.name)).toEqual(['a.png', 'b.jpg']);
    expect(useBatchStore.getState().skipped).toBe(2);
  });

  it('leaves one photo, and tasks that do not make pictures (captions keep their own list), to the usual open', async () => {
    expect(canBatch(fakeTask(['text']))).toBe(false);
    await openMany([photo('a.png'), photo('b.png')], fakeTask(['text']));
    expect(useBatchStore.getState().items).toEqual([]);
    await openMany([photo('a.png')], fakeTask());
    expect(useBatchStore.getState().items).toEqual([]);
  });
});
