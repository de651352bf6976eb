import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeModel, node, tensor, valueInfo } from '../../scripts/onnx-writer.mjs';
import { loadModelBytes } from './loader';
import type { ModelEntry } from './registry';

// A real (tiny) ONNX file served over HTTP, the way catalogue models arrive from their hub.
const model = encodeModel({
  nodes: [node('Mul', ['input', 'k'], ['output'])],
  initializers: [tensor('k', [1], [2])],
  inputs: [valueInfo('input', [1, 3, 'H', 'W'])],
  outputs: [valueInfo('output', [1, 3, 'H', 'W'])],
});
const sha = createHash('sha256').update(model).digest('hex');
let server: Server;
let root = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/models/style/tiny.onnx') {
      res.writeHead(200, { 'Content-Length': model.byteLength });
      res.end(Buffer.from(model));
    } else if (req.url === '/models/style/truncated.onnx') {
      res.end(Buffer.from(model.subarray(0, 100)));
    } else if (req.url === '/models/style/busy.hq.fp32.onnx') {
      res.writeHead(503).end();
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  root = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function entry(file: string, variant: Partial<{ bytes: number; sha256: string }> = {}): ModelEntry {
  return {
    id: 'tiny',
    task: 'style',
    title: 'Tiny',
    embedded: true,
    licence: 'MIT',
    source: 'test',
    io: { inputs: [{ name: 'input', dtype: 'float32', shape: [1, 3, 'H', 'W'] }], outputs: [{ name: 'output', dtype: 'float32', shape: [1, 3, 'H', 'W'] }] },
    variants: [{ name: 'fp32', file, bytes: model.byteLength, sha256: sha, ...variant }],
    preferred: {},
  };
}

describe('loadModelBytes', () => {
  it('downloads, reports progress up to the full size and verifies the file', async () => {
    const progress: Array<[number, number]> = [];
    const m = entry('style/tiny.onnx');
    const bytes = await loadModelBytes(m, m.variants[0], { appRoot: root, onProgress: (a, b) => progress.push([a, b]) });
    expect(Buffer.from(bytes).equals(Buffer.from(model))).toBe(true);
    expect(progress[0]).toEqual([0, model.byteLength]);
    expect(progress.at(-1)).toEqual([model.byteLength, model.byteLength]);
  });
  it('rejects a file whose sha256 does not match', async () => {
    const m = entry('style/tiny.onnx', { sha256: 'f'.repeat(64) });
    await expect(loadModelBytes(m, m.variants[0], { appRoot: root })).rejects.toThrow(/integrity check/);
  });
  it('rejects an incomplete download', async () => {
    const m = entry('style/truncated.onnx');
    await expect(loadModelBytes(m, m.variants[0], { appRoot: root })).rejects.toThrow(/incomplete \(100 of/);
  });
  it('says when the server has no such file', async () => {
    const m = entry('style/missing.onnx');
    await expect(loadModelBytes(m, m.variants[0], { appRoot: root })).rejects.toThrow(/HTTP 404/);
  });
  it('offline before Best quality first ran: says what the file is, that Fast works offline, and what to do', async () => {
    const m = { ...entry('style/tiny.hq.fp32.onnx'), title: 'The Starry Night' };
    // The service worker has no copy yet and the network is gone: the request itself fails.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadRoot = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await loadModelBytes(m, m.variants[0], { appRoot: deadRoot }).then(() => new Error('it loaded'), (e: unknown) => e as Error);
    expect(error.message).toMatch(/^Best quality for "The Starry Night" needs its model file \(0\.0 MB\), which the app downloads the first time/);
    expect(error.message).toMatch(/network request failed.*Connect to the internet and run it again, or choose Fast, which works offline/);
    // A server that answers without the file: the connection is fine, so no "connect to the internet";
    // the status, reload-and-retry, and Fast.
    const missing = await loadModelBytes(m, m.variants[0], { appRoot: root }).then(() => new Error('it loaded'), (e: unknown) => e as Error);
    expect(missing.message).toMatch(/^Best quality for "The Starry Night" needs its model file.*does not have this file \(HTTP 404\)/);
    expect(missing.message).toMatch(/Reload the page and run it again in a few minutes, or choose Fast, which is already on this device/);
    expect(missing.message).not.toMatch(/Connect to the internet/);
    const busy = { ...entry('style/busy.hq.fp32.onnx'), title: 'The Starry Night' };
    await expect(loadModelBytes(busy, busy.variants[0], { appRoot: root })).rejects.toThrow(/: the site answered HTTP 503\. Reload the page/);
    // A built-in Fast file keeps the plain message.
    const fast = entry('style/missing.rt.fp32.onnx');
    await expect(loadModelBytes(fast, fast.variants[0], { appRoot: root })).rejects.toThrow(/^Could not download the model "Tiny" \(HTTP 404\)/);
  });
  it('stops when cancelled', async () => {
    const m = entry('style/tiny.onnx');
    const controller = new AbortController();
    controller.abort();
    await expect(loadModelBytes(m, m.variants[0], { appRoot: root, signal: controller.signal })).rejects.toThrow(/Cancelled/);
  });
});
