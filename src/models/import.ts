/**
 * Worker side of "use model files of your own" (captions' ViT-GPT2 files, walk's SD-Turbo folder):
 * each picked file is streamed into the model store under its sha256 (store.ts importBlob), in the
 * task worker rather than the page so that a browser without OPFS keeps the bytes in the same realm
 * the model then runs in. Afterwards the files are read like verified downloads: by sha256, from the
 * device, after reloads too. Cancelling terminates the worker; the next import removes what that left.
 */
import type { ImportModelFilesRequest, ImportModelFilesResult, WorkerContext } from '../workers/protocol';
import type { ModelFile } from './registry';
import { importBlob, removeUnfinishedImports } from './store';

/** Progress at most this often: a 1.7 GB graph is tens of thousands of chunks. */
const REPORT_MS = 100;

export async function importModelFiles(request: ImportModelFilesRequest, context: WorkerContext): Promise<ImportModelFilesResult> {
  await removeUnfinishedImports();
  const total = request.files.reduce((sum, f) => sum + f.file.size, 0);
  let before = 0;
  let reported = 0;
  const files: ModelFile[] = [];
  let storage: ImportModelFilesResult['storage'] = 'device';
  context.onProgress({ stage: 'import', done: 0, total });
  for (const pick of request.files) {
    const stored = await importBlob(pick.file, {
      onBytes: (done) => {
        const now = performance.now();
        if (now - reported < REPORT_MS) return;
        reported = now;
        context.onProgress({ stage: 'import', done: before + done, total });
      },
    });
    files.push({ path: pick.path, role: pick.role, url: '', bytes: stored.bytes, sha256: stored.sha256 });
    if (stored.storage === 'memory') storage = 'memory';
    before += stored.bytes;
  }
  context.onProgress({ stage: 'import', done: total, total });
  return { files, storage };
}
