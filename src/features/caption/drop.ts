/**
 * Drops while the caption task is chosen: many photos and whole folders (walked recursively) join
 * the batch. The page-wide drop zone (src/app) opens one file at a time as the shared input and
 * cannot read folders, so this listener takes the drop first (window, capture phase) and keeps it
 * from the drop zone; other tasks' drops pass untouched.
 */
import { droppedFiles } from '../../lib/dropped';
import { toUserMessage } from '../../lib/errors';
import { showError } from '../../state/jobs';
import { useAppStore } from '../../state/store';
import { meta } from './meta';

let installed = false;

/** `state` loads the task's state module (./state), on the first drop if nothing loaded it before. */
export function installCaptionDrop(state: () => Promise<typeof import('./state')>): void {
  if (installed || typeof window === 'undefined') return;
  installed = true;
  window.addEventListener(
    'drop',
    (event) => {
      if (useAppStore.getState().task !== meta.id || !event.dataTransfer?.types.includes('Files')) return;
      event.preventDefault();
      event.stopPropagation(); // the page-wide drop zone would open only one of the files
      // The drop zone still has to take its "Drop to open" overlay down: a drop without files does
      // that and nothing else (and this listener lets it pass).
      window.dispatchEvent(new DragEvent('drop'));
      const pending = droppedFiles(event.dataTransfer, { keepFolderPath: true });
      void Promise.all([pending, state()])
        .then(([{ files, fromFolder }, { addPhotos }]) => addPhotos(files, { fromFolder }))
        .catch((error: unknown) => showError(toUserMessage(error))); // e.g. the task's code did not download
    },
    { capture: true },
  );
}
