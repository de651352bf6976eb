/**
 * A local stand-in for the model hub, for every spec that downloads a catalogue model: an HTTPS
 * server with the committed self-signed pair for huggingface.co and its CDN (e2e/fixtures/models-hub/),
 * reached by Chromium through --host-resolver-rules, plus the app served with extra manifest entries.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';
import { startServer } from '../scripts/serve.mjs';

export const HUB_HOST = 'huggingface.co';
export const CDN_HOST = 'cdn-lfs.hf.co';

/** Browser options that send the hub's hosts to `hubPort` on this machine and accept its certificate. */
export function hubBrowser(hubPort: number) {
  return {
    ignoreHTTPSErrors: true,
    launchOptions: {
      executablePath: chromiumPath,
      args: [...chromiumArgs, `--host-resolver-rules=MAP ${HUB_HOST} 127.0.0.1:${hubPort}, MAP ${CDN_HOST} 127.0.0.1:${hubPort}`],
    },
  };
}

export const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'Range',
  'Access-Control-Expose-Headers': 'Content-Range, Content-Length, Accept-Ranges, ETag',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

export interface HubRequest {
  host: string;
  url: URL;
}

/** Starts the hub on `port`: preflights are answered here, every other request goes to `handle`. */
export async function startHub(port: number, handle: (req: IncomingMessage, res: ServerResponse, at: HubRequest) => void): Promise<Server> {
  const dir = path.join(import.meta.dirname, 'fixtures/models-hub');
  const server = createServer({ key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) }, (req, res) => {
    if (req.method === 'OPTIONS') return void (res.writeHead(204, CORS), res.end());
    const host = (req.headers.host ?? '').split(':')[0];
    handle(req, res, { host, url: new URL(req.url ?? '/', `https://${host}`) });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

export interface StreamOptions {
  /** Pause between 64 KiB chunks. */
  delayMs?: number;
  /** Drop the connection after this many body bytes (a download cut halfway). */
  cutAt?: number;
  /** Called when the connection is dropped at `cutAt`. */
  onCut?: () => void;
}

/**
 * Answers with `bytes`, or from the offset of a `Range: bytes=N-` header with a 206, in 64 KiB
 * chunks `delayMs` apart (so a page sees progress), cut off at `cutAt` when asked. Returns the status.
 */
export function streamBytes(req: IncomingMessage, res: ServerResponse, bytes: Uint8Array, { delayMs = 0, cutAt = Infinity, onCut }: StreamOptions = {}): number {
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const start = range ? Number(range[1]) : 0;
  const body = bytes.subarray(start);
  const status = range ? 206 : 200;
  res.writeHead(status, {
    ...CORS,
    'Content-Type': 'application/octet-stream',
    'Content-Length': body.length,
    'Accept-Ranges': 'bytes',
    ...(range ? { 'Content-Range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` } : {}),
  });
  let sent = 0;
  const pump = () => {
    if (res.destroyed) return;
    if (sent >= cutAt) {
      onCut?.();
      return void res.socket?.destroy();
    }
    if (sent >= body.length) return void res.end();
    const chunk = body.subarray(sent, Math.min(sent + 64 * 1024, body.length, cutAt));
    sent += chunk.length;
    res.write(chunk, () => setTimeout(pump, delayMs));
  };
  pump();
  return status;
}

/** Answers with `bytes`, or from the offset of a `Range: bytes=N-` header with a 206. Returns the status. */
export function sendBytes(req: IncomingMessage, res: ServerResponse, bytes: Uint8Array): number {
  return streamBytes(req, res, bytes);
}

export function notFound(res: ServerResponse): void {
  res.writeHead(404, CORS);
  res.end();
}

/** Serves the built app from `dist` on `port`, with `entries` appended to its models/manifest.json. */
export async function startAppWithEntries(dist: string, port: number, entries: unknown[]): Promise<HttpServer> {
  const manifest = JSON.parse(readFileSync(path.join(dist, 'models/manifest.json'), 'utf8'));
  manifest.models.push(...entries);
  return (await startServer({ dir: dist, port, files: { 'models/manifest.json': JSON.stringify(manifest) } })) as HttpServer;
}

/** Every file in the model manager's OPFS directory, with the sha256 of its content, by name. */
export async function storedFiles(page: Page): Promise<Array<{ name: string; bytes: number; sha256: string }>> {
  return page.evaluate(async () => {
    let dir: FileSystemDirectoryHandle;
    try {
      dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('clipmorph-models');
    } catch {
      return [];
    }
    const out: Array<{ name: string; bytes: number; sha256: string }> = [];
    for await (const [name, handle] of (dir as unknown as { entries(): AsyncIterable<[string, FileSystemFileHandle]> }).entries()) {
      const data = await (await handle.getFile()).arrayBuffer();
      const digest = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', data)), (b) => b.toString(16).padStart(2, '0')).join('');
      out.push({ name, bytes: data.byteLength, sha256: digest });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  });
}
