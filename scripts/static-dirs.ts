/**
 * Vite plugin: serves folders that live outside public/ (the ORT runtime files in node_modules, the
 * embedded models in models/) under fixed URL prefixes in dev and preview, and copies them into dist/
 * at build. One mechanism for both, so dev, preview and production see the same URLs.
 */
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Connect, Plugin } from 'vite';

export interface StaticDir {
  /** URL prefix below the app's base, e.g. "ort/". */
  prefix: string;
  dir: string;
  include: (relativePath: string) => boolean;
}

const MIME: Record<string, string> = {
  '.mjs': 'text/javascript',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
};

function listFiles(dir: string, relative = ''): string[] {
  return readdirSync(path.join(dir, relative), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.posix.join(relative, entry.name);
    return entry.isDirectory() ? listFiles(dir, rel) : [rel];
  });
}

export function filesOf(entry: StaticDir): string[] {
  return existsSync(entry.dir) ? listFiles(entry.dir).filter(entry.include) : [];
}

function middleware(base: string, dirs: StaticDir[]): Connect.NextHandleFunction {
  return (req, res, next) => {
    const url = decodeURIComponent((req.url ?? '').split('?')[0]);
    for (const entry of dirs) {
      const prefix = base + entry.prefix;
      if (!url.startsWith(prefix)) continue;
      const rel = url.slice(prefix.length);
      const file = path.join(entry.dir, rel);
      if (rel.includes('..') || !entry.include(rel) || !existsSync(file) || !statSync(file).isFile()) continue;
      res.setHeader('Content-Type', MIME[path.extname(file)] ?? 'application/octet-stream');
      res.setHeader('Content-Length', statSync(file).size);
      res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
      createReadStream(file).pipe(res);
      return;
    }
    next();
  };
}

export function staticDirs(dirs: StaticDir[]): Plugin {
  let base = '/';
  return {
    name: 'clipmorph-static-dirs',
    configResolved(config) {
      base = config.base;
    },
    configureServer(server) {
      server.middlewares.use(middleware(base, dirs));
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware(base, dirs));
    },
    generateBundle() {
      for (const entry of dirs) {
        for (const rel of filesOf(entry)) {
          this.emitFile({ type: 'asset', fileName: entry.prefix + rel, source: readFileSync(path.join(entry.dir, rel)) });
        }
      }
    },
  };
}
