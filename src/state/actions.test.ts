import { afterEach, describe, expect, it, vi } from 'vitest';
import { chooseTask, clearResult, openFiles, setResult } from './actions';
import { idleJob, resultOf, useAppStore, type InputFile } from './store';

const input: InputFile = { file: new File([], 'a.png'), name: 'a.png', previewUrl: 'blob:input', video: null };

afterEach(() => {
  vi.restoreAllMocks();
  useAppStore.setState({ task: '', input: null, opening: null, result: null, error: null, job: idleJob });
});

describe('the shared result', () => {
  it('revokes the download URL it replaces, and keeps one that is handed back', () => {
    const revoke = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    setResult({ task: 'style', url: 'blob:1', fileName: 'a-x.png', payload: { kind: 'image' } });
    setResult({ task: 'style', url: 'blob:2', fileName: 'a-x.jpeg', payload: { kind: 'image' } });
    expect(revoke.mock.calls).toEqual([['blob:1']]);
    setResult({ ...useAppStore.getState().result!, fileName: 'same url' });
    expect(revoke).toHaveBeenCalledTimes(1);
    clearResult();
    expect(revoke.mock.calls).toEqual([['blob:1'], ['blob:2']]);
    expect(useAppStore.getState().result).toBeNull();
  });

  it('is typed by the task that made it', () => {
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    setResult({ task: 'depth', url: 'blob:d', fileName: 'a-depth.png', payload: { colormap: 'turbo' } });
    expect(resultOf<{ colormap: string }>(useAppStore.getState(), 'depth')?.payload.colormap).toBe('turbo');
    expect(resultOf(useAppStore.getState(), 'style')).toBeNull();
  });
});

describe('chooseTask', () => {
  it('keeps the input, drops the other task\'s result and error', () => {
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    useAppStore.setState({ task: 'style', input, error: 'old error' });
    setResult({ task: 'style', url: 'blob:s', fileName: 'a-style.png', payload: null });
    chooseTask('depth');
    const state = useAppStore.getState();
    expect([state.task, state.input, state.result, state.error]).toEqual(['depth', input, null, null]);
  });
});

describe('openFiles', () => {
  it('hands a model file to the task that takes one, and refuses it plainly for a task that does not', async () => {
    const model = new File([new Uint8Array([1, 2, 3])], 'mine.onnx');
    const opened: string[] = [];
    await openFiles([model], { openModel: async (file) => void opened.push(file.name) });
    expect(opened).toEqual(['mine.onnx']);
    expect(useAppStore.getState().error).toBeNull();
    await openFiles([model], {});
    expect(useAppStore.getState().error).toMatch(/"mine.onnx" is a model file, and this task takes no model of your own/);
  });

  it('says what a file that is neither image, video nor model is', async () => {
    await openFiles([new File(['hi'], 'notes.txt', { type: 'text/plain' })], {});
    expect(useAppStore.getState().error).toBe('"notes.txt" is neither an image nor a video. Drop a photo (PNG, JPEG, WebP), a video (MP4, MOV, WebM, AVI...).');
  });
});

describe('overlapping opens', () => {
  /** A PNG's signature and IHDR (w x h): enough for the content sniffer to call it an image. */
  function pngFile(name: string, width = 4, height = 4): File {
    const bytes = new Uint8Array(33);
    bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    new DataView(bytes.buffer).setUint32(16, width);
    new DataView(bytes.buffer).setUint32(20, height);
    return new File([bytes], name, { type: 'image/png' });
  }

  /** Object URLs named after their file; each image decode waits until the test releases it by name. */
  function holdImageDecodes(): Map<string, () => void> {
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => `blob:${(blob as File).name}`);
    const release = new Map<string, () => void>();
    vi.stubGlobal('createImageBitmap', (file: File) => new Promise((resolve) => release.set(file.name, () => resolve({ close() {} }))));
    return release;
  }

  it('keep the newest: a slow open that finishes after a newer one (a restored input, a big video) is dropped', async () => {
    const release = holdImageDecodes();
    try {
      const slow = openFiles([pngFile('restored.png')]);
      await vi.waitFor(() => expect(release.has('restored.png')).toBe(true));
      const fast = openFiles([pngFile('chosen.png')]);
      await vi.waitFor(() => expect(release.has('chosen.png')).toBe(true));
      release.get('chosen.png')!();
      await fast;
      release.get('restored.png')!();
      await slow;
      expect(useAppStore.getState().input?.name).toBe('chosen.png');
      expect(URL.revokeObjectURL).toHaveBeenCalledWith('blob:restored.png');
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('mark the file being opened, so Run waits for it rather than running the input it replaces', async () => {
    const release = holdImageDecodes();
    try {
      useAppStore.setState({ input });
      const first = openFiles([pngFile('slow.png')]);
      await vi.waitFor(() => expect(release.has('slow.png')).toBe(true));
      expect(useAppStore.getState().opening).toBe('slow.png');
      expect(useAppStore.getState().input).toBe(input); // still the old one, so Run must not start
      const second = openFiles([pngFile('newer.png')]);
      await vi.waitFor(() => expect(release.has('newer.png')).toBe(true));
      expect(useAppStore.getState().opening).toBe('newer.png');
      release.get('slow.png')!();
      await first; // superseded: it neither takes the input nor clears the newer file's mark
      expect(useAppStore.getState().opening).toBe('newer.png');
      release.get('newer.png')!();
      await second;
      expect([useAppStore.getState().opening, useAppStore.getState().input?.name]).toEqual([null, 'newer.png']);
      // A file that fails to open clears the mark too, and the input stays.
      await openFiles([new File(['hi'], 'notes.txt', { type: 'text/plain' })], {});
      expect([useAppStore.getState().opening, useAppStore.getState().input?.name]).toEqual([null, 'newer.png']);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('a model file dropped while a photo is still being read does not drop the photo', async () => {
    const release = holdImageDecodes();
    try {
      const photo = openFiles([pngFile('sketch.png')]);
      await vi.waitFor(() => expect(release.has('sketch.png')).toBe(true));
      const models: string[] = [];
      await openFiles([new File([new Uint8Array([1])], 'mine.onnx')], { openModel: async (file) => void models.push(file.name) });
      release.get('sketch.png')!();
      await photo;
      expect(models).toEqual(['mine.onnx']);
      expect(useAppStore.getState().input?.name).toBe('sketch.png');
      expect(URL.revokeObjectURL).not.toHaveBeenCalledWith('blob:sketch.png');
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
