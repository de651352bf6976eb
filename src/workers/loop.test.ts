import { describe, expect, it } from 'vitest';
import { UserError } from '../lib/errors';
import { joinMethods, serve, type MethodTable, type Port } from './loop';
import type { ReplyMessage } from './protocol';

/** A port that records replies and their transfer lists; `call` delivers one message. */
function port() {
  const replies: Array<{ message: ReplyMessage; transfer: Transferable[] }> = [];
  const p: Port = { onmessage: null, postMessage: (message, transfer) => replies.push({ message, transfer }) };
  const call = async (id: number, method: string, args: unknown) => {
    await p.onmessage?.({ data: { id, method, args } } as MessageEvent);
  };
  return { p, replies, call };
}

const methods: MethodTable = {
  double: async (request: { n: number }) => request.n * 2,
  pixels: async (request: { size: number }, context) => {
    context.onProgress({ stage: 'infer', done: 1, total: 2 });
    const data = new Uint8Array(request.size);
    context.transfer(data.buffer);
    return { data };
  },
  refuse: async () => {
    throw new UserError('That photo is damaged.');
  },
};

describe('serve', () => {
  it('dispatches by method name and replies with the result under the call id', async () => {
    const { p, replies, call } = port();
    serve(p, methods);
    await call(7, 'double', { n: 21 });
    expect(replies).toEqual([{ message: { id: 7, type: 'result', value: 42 }, transfer: [] }]);
  });

  it('forwards progress, then transfers the buffers the method marked', async () => {
    const { p, replies, call } = port();
    serve(p, methods);
    await call(1, 'pixels', { size: 16 });
    expect(replies.map((r) => r.message.type)).toEqual(['progress', 'result']);
    expect(replies[0].message).toEqual({ id: 1, type: 'progress', progress: { stage: 'infer', done: 1, total: 2 } });
    const result = replies[1];
    expect(result.transfer).toHaveLength(1);
    expect(result.transfer[0]).toBe((result.message as { value: { data: Uint8Array } }).value.data.buffer);
  });

  it('turns a throw into an error reply that keeps the error name, and refuses unknown methods', async () => {
    const { p, replies, call } = port();
    serve(p, methods);
    await call(2, 'refuse', {});
    await call(3, 'toString', {}); // inherited from Object.prototype: not a method
    expect(replies.map((r) => r.message)).toEqual([
      { id: 2, type: 'error', name: 'UserError', message: 'That photo is damaged.' },
      { id: 3, type: 'error', name: 'Error', message: 'unknown method toString' },
    ]);
  });
});

describe('joinMethods', () => {
  it('joins tables and refuses a name served twice', () => {
    const joined = joinMethods({ a: methods.double }, { b: methods.refuse });
    expect(Object.keys(joined)).toEqual(['a', 'b']);
    expect(() => joinMethods({ a: methods.double }, { a: methods.refuse })).toThrow(/two worker methods are named a/);
  });
});

describe('replyError', () => {
  it('turns an allocation failure into a sentence that names the fix (a smaller processing size)', async () => {
    const { replyError } = await import('./loop');
    const reply = replyError(new RangeError('Array buffer allocation failed'));
    expect(reply.name).toBe('UserError');
    expect(reply.message).toMatch(/too large for the memory .*\(Array buffer allocation failed\)\. Choose a smaller processing size/);
    expect(replyError(new Error("failed to allocate a buffer of size 4294967296")).name).toBe('UserError');
    // Anything else passes through unchanged, and a UserError keeps its own words.
    expect(replyError(new TypeError('x is undefined'))).toEqual({ name: 'TypeError', message: 'x is undefined' });
    expect(replyError(new UserError('That photo is damaged.'))).toEqual({ name: 'UserError', message: 'That photo is damaged.' });
  });
});
