/**
 * openDepthSession binds a session once: the warm-up's binding (for a user's own file, the kind read
 * from its graph) is the one every later open of the same session gets back.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ModelSession, SessionRequest } from '../../../runtime/sessions';
import type { DepthModelRequest } from '../protocol';
import { ownDepthKind } from './estimate';
import { openDepthSession } from './session';

vi.mock('./estimate', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./estimate')>();
  return { ...actual, ownDepthKind: vi.fn(actual.ownDepthKind) };
});

// The runtime's session cache, as far as this needs: the first open runs the warm-up, later opens get the same session.
const opened = new Map<string, ModelSession>();
vi.mock('../../../runtime/sessions', () => ({
  getSession: (request: SessionRequest) => {
    const key = request.modelBytes ? 'own' : request.model.id;
    const open = async () => {
      const session = {
        inputNames: ['pixel_values'],
        outputNames: ['predicted_depth'],
        session: {},
        run: vi.fn(async () => ({})),
      } as unknown as ModelSession;
      if (typeof request.warmUp === 'function') await request.warmUp(session);
      opened.set(key, session);
      return session;
    };
    return { handle: opened.has(key) ? Promise.resolve(opened.get(key)!) : open(), variant: 'custom' };
  },
}));

const context = { onProgress: () => undefined } as unknown as Parameters<typeof openDepthSession>[1];
const request = (kind: DepthModelRequest['kind']) =>
  ({ appRoot: '/', backend: 'wasm', fp16: false, model: { id: 'depth-anything-v2-small' }, modelBytes: kind === 'from-file' ? new Uint8Array(1) : undefined, kind, download: false }) as unknown as DepthModelRequest;

beforeEach(() => {
  opened.clear();
  vi.mocked(ownDepthKind).mockClear();
});

describe('openDepthSession', () => {
  it("read a user's own file for its kind once, in the warm-up, and reuse that binding", async () => {
    const first = await openDepthSession(request('from-file'), context);
    expect(ownDepthKind).toHaveBeenCalledTimes(1);
    expect(first.session.run).toHaveBeenCalledTimes(1); // the warm-up, with the bound names
    expect(first.session.run).toHaveBeenCalledWith({ pixel_values: expect.objectContaining({ dims: [1, 3, 56, 56] }) }, { outputs: ['predicted_depth'] });
    expect(first).toMatchObject({ kind: 'depth-anything', names: { input: 'pixel_values', output: 'predicted_depth', inputType: 'float32' }, variant: 'custom' });
    const again = await openDepthSession(request('from-file'), context);
    expect(again.session).toBe(first.session);
    expect(again).toEqual(first);
    expect(ownDepthKind).toHaveBeenCalledTimes(1);
  });

  it('bind a catalogue model by its listed kind, never reading its graph for one', async () => {
    const handle = await openDepthSession(request('depth-anything'), context);
    expect(handle).toMatchObject({ kind: 'depth-anything', names: { input: 'pixel_values', output: 'predicted_depth' } });
    expect(ownDepthKind).not.toHaveBeenCalled();
  });
});
