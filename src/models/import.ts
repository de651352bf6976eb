/**
 * Worker side of "use model files of your own" (captions' ViT-GPT2 files, walk's SD-Turbo folder):
 * each picked file is streamed into the model store under its sha256 (store.ts importBlob), in the
 * task worker rather than the page so that a browser without OPFS keeps the bytes in the same realm
 * the model then runs in. Afterwards the files are read like verified downloads: by sha256, from the
 * device, after reloads too. Cancelling terminates the worker; the next import removes what that left.
 */
import { sessions } from '../runtime/sessions';
import type { ImportModelFilesRequest, ImportModelFilesResult, WorkerContext } from '../workers/protocol';
import type { ModelFile } from './registry';
import { forgetInMemory, importBlob, removeUnfinishedImports, type ImportedFile } from './store';

/** Progress at most this often: a 1.7 GB graph is tens of thousands of chunks. */
const REPORT_MS = 100;

export async function importModelFiles(request: ImportModelFilesRequest, context: WorkerContext): Promise<ImportModelFilesResult> {
  await removeUnfinishedImports();
  const total = request.files.reduce((sum, f) => sum + f.file.size, 0);
  let before = 0;
  let reported = 0;
  const copies: Array<{ pick: ImportModelFilesRequest['files'][number]; copy: ImportedFile }> = [];
  try {
    for (const pick of request.files) {
      const copy = await importBlob(pick.file, {
        onBytes: (done) => {
          const now = performance.now();
          if (now - reported < REPORT_MS) return;
          reported = now;
          context.onProgress({ stage: 'import', done: before + done, total });
        },
      });
      copies.push({ pick, copy });
      before += copy.bytes;
    }
  } catch (error) {
    for (const { copy } of copies) await copy.discard();
    throw error;
  }
  // Every file is copied: only now do they become readable, together.
  for (const { copy } of copies) await copy.commit();
  const files: ModelFile[] = copies.map(({ pick, copy }) => ({ path: pick.path, role: pick.role, url: '', bytes: copy.bytes, sha256: copy.sha256 }));
  const storage: ImportModelFilesResult['storage'] = copies.some(({ copy }) => copy.storage === 'memory') ? 'memory' : 'device';
  context.onProgress({ stage: 'import', done: total, total });
  return { files, storage };
}

/**
 * Frees copies in this worker's memory (removed under Models while another task's copy keeps the
 * worker alive): the bytes, and every session opened from them, each once its run in flight ends.
 */
export async function dropModelFiles(request: { sha256: string[] }): Promise<{ files: number; sessions: number }> {
  const { sha256 } = request;
  return {
    files: forgetInMemory(sha256),
    // A session's key names its graph's sha256 (runtime/sessions.ts: graphKey, getSession).
    sessions: sessions.dropWhere((key) => sha256.some((hash) => key.includes(hash))),
  };
}
