/**
 * Worker side of "Use your SD-Turbo files": each picked file is streamed into the model store under
 * its sha256 (src/models/store.ts importBlob), here rather than in the page so that a browser
 * without OPFS keeps the bytes in the same realm the walk then runs in. Cancelling terminates this
 * worker; the next import removes what that left.
 */
import type { ModelFile } from '../../../models/registry';
import { importBlob, removeUnfinishedImports } from '../../../models/store';
import type { WorkerContext } from '../../../workers/protocol';
import type { ImportWalkRequest, ImportWalkResult } from '../protocol';

/** Progress at most this often: a 1.7 GB graph is tens of thousands of chunks. */
const REPORT_MS = 100;

export async function importWalkFiles(request: ImportWalkRequest, context: WorkerContext): Promise<ImportWalkResult> {
  await removeUnfinishedImports();
  const total = request.files.reduce((sum, f) => sum + f.file.size, 0);
  let before = 0;
  let reported = 0;
  const files: ModelFile[] = [];
  let storage: ImportWalkResult['storage'] = 'device';
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
