#!/usr/bin/env node
/**
 * Serves a built dist/ like a plain static host would, under any base path, with the
 * cross-origin-isolation headers WASM threads need. Like nginx, Netlify or GitHub Pages it sends
 * ETag / Last-Modified (a revalidation answers 304 without the body) and honours single byte
 * ranges (206). Used by the end-to-end tests and benchmarks.
 *   node scripts/serve.mjs [--dir dist] [--port 4173] [--base /clipmorph/] [--no-isolation]
 * `files` (API only) serves given bytes at given paths below the base instead of the dist's files
 * (e.g. a test's models/manifest.json).
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.webmanifest': 'application/manifest+json', '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream', '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg',
  '.webp': 'image/webp', '.ico': 'image/x-icon', '.map': 'application/json', '.txt': 'text/plain',
};

const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * The page's Content-Security-Policy, sent as a header too: the build writes it as a <meta> tag (so
 * any static host enforces it), and a header is stronger (it applies before the first byte is parsed
 * and cannot be pre-empted by anything injected above the tag).
 */
const CSP_META = /<meta[^>]+http-equiv="Content-Security-Policy"[^>]+content="([^"]+)"/i;
export function pagePolicy(html) {
  const match = CSP_META.exec(html);
  return match ? match[1].replaceAll('&#39;', "'").replaceAll('&quot;', '"').replaceAll('&amp;', '&') : null;
}

function policyHeaders(file, body) {
  if (!file.endsWith('.html')) return {};
  const policy = pagePolicy((body ?? readFileSync(file)).toString('utf8'));
  return policy ? { 'Content-Security-Policy': policy } : {};
}

export function startServer({ dir = 'dist', port = 4173, base = '/', isolation = true, files = {}, onServe } = {}) {
  const root = path.resolve(dir);
  const server = createServer((req, res) => {
    const url = decodeURIComponent((req.url ?? '/').split('?')[0]);
    if (onServe) {
      // Body bytes sent (200/206; a 304 or HEAD sends none): what crossed the network, for tests.
      let bytes = 0;
      const write = res.write.bind(res);
      res.write = (chunk, ...rest) => ((bytes += chunk?.length ?? 0), write(chunk, ...rest));
      const end = res.end.bind(res);
      res.end = (chunk, ...rest) => ((bytes += typeof chunk === 'function' ? 0 : (chunk?.length ?? 0)), end(chunk, ...rest));
      res.on('finish', () => onServe({ path: url, status: res.statusCode, bytes }));
    }
    if (!url.startsWith(base)) {
      res.writeHead(404).end('not found');
      return;
    }
    const override = files[url.slice(base.length)];
    if (override !== undefined) {
      const body = Buffer.from(override);
      const headers = { 'Content-Type': MIME[path.extname(url)] ?? 'application/octet-stream', 'Content-Length': body.length, 'Cache-Control': 'no-cache', ...policyHeaders(url, body) };
      if (isolation) Object.assign(headers, isolationHeaders);
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    let file = path.join(root, url.slice(base.length));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    const stat = statSync(file);
    const etag = `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
    const headers = {
      'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'Cache-Control': 'no-cache',
      ETag: etag,
      'Last-Modified': stat.mtime.toUTCString(),
      'Accept-Ranges': 'bytes',
      ...policyHeaders(file),
    };
    if (isolation) Object.assign(headers, isolationHeaders);
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers).end();
      return;
    }
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    if (range && (range[1] !== '' || range[2] !== '')) {
      // One range, as static hosts do: "N-", "N-M" or the last "-M" bytes.
      const start = range[1] === '' ? Math.max(0, stat.size - Number(range[2])) : Number(range[1]);
      const end = range[1] === '' || range[2] === '' ? stat.size - 1 : Math.min(Number(range[2]), stat.size - 1);
      if (start >= stat.size || start > end) {
        res.writeHead(416, { ...headers, 'Content-Range': `bytes */${stat.size}` }).end();
        return;
      }
      res.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${stat.size}`, 'Content-Length': end - start + 1 });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file, { start, end }).pipe(res);
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Length': stat.size });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string', default: 'dist' },
      port: { type: 'string', default: '4173' },
      base: { type: 'string', default: '/' },
      'no-isolation': { type: 'boolean', default: false },
    },
  });
  const base = values.base.endsWith('/') ? values.base : `${values.base}/`;
  await startServer({ dir: values.dir, port: Number(values.port), base, isolation: !values['no-isolation'] });
  console.log(`Serving ${values.dir} at http://127.0.0.1:${values.port}${base}`);
}
