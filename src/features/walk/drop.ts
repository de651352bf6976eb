/**
 * Drops while the walk task is chosen: SD-Turbo's folder (or its files with their folders) is copied
 * in as "Use your SD-Turbo folder" does. The walk takes no photo, so the page-wide drop zone is not
 * there: without this listener a dropped file would make the browser leave the app to show it.
 */
import { droppedFiles } from '../../lib/dropped';
import { toUserMessage } from '../../lib/errors';
import { showError } from '../../state/jobs';
import { useAppStore } from '../../state/store';
import { meta } from './meta';

let installed = false;

/** `state` loads the task's state module (./state), on the first drop if nothing loaded it before. */
export function installWalkDrop(state: () => Promise<typeof import('./state')>): void {
  if (installed || typeof window === 'undefined') return;
  installed = true;
  const ours = (event: DragEvent) => useAppStore.getState().task === meta.id && !!event.dataTransfer?.types.includes('Files');
  window.addEventListener('dragover', (event) => {
    if (ours(event)) event.preventDefault();
  });
  window.addEventListener('drop', (event) => {
    if (!ours(event)) return;
    event.preventDefault();
    void Promise.all([droppedFiles(event.dataTransfer!, { keepFolderPath: true }), state()])
      .then(([{ files }, { importOwnWalk }]) => importOwnWalk(files))
      .catch((error: unknown) => showError(toUserMessage(error))); // e.g. the task's code did not download
  });
}
