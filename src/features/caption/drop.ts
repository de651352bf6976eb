/**
 * Drops while the caption task is chosen: many photos and whole folders (walked recursively) join
 * the batch. The page-wide drop zone (src/app) opens one file at a time as the shared input and
 * cannot read folders, so this listener takes the drop first (window, capture phase) and keeps it
 * from the drop zone; other tasks' drops pass untouched.
 */
import { useAppStore } from '../../state/store';
import { meta } from './meta';
import { addPhotos } from './state';

type Entry = FileSystemEntry;

function readAll(reader: FileSystemDirectoryReader): Promise<Entry[]> {
  // readEntries returns at most ~100 entries per call: read until it returns none.
  return new Promise((resolve, reject) => {
    const out: Entry[] = [];
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(out);
        else {
          out.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

async function filesOf(entry: Entry, prefix = ''): Promise<File[]> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    // Keep the folder path in the name, as a folder pick does (webkitRelativePath).
    return [prefix ? new File([file], `${prefix}${file.name}`, { type: file.type, lastModified: file.lastModified }) : file];
  }
  if (entry.isDirectory) {
    const children = await readAll((entry as FileSystemDirectoryEntry).createReader());
    const nested = await Promise.all(children.filter((c) => !c.name.startsWith('.')).map((c) => filesOf(c, `${prefix}${entry.name}/`)));
    return nested.flat();
  }
  return [];
}

/** The dropped files, folders walked; `fromFolder` when any folder was dropped. */
export async function droppedFiles(transfer: DataTransfer): Promise<{ files: File[]; fromFolder: boolean }> {
  const entries = Array.from(transfer.items ?? [])
    .filter((item) => item.kind === 'file')
    .map((item) => ({ entry: item.webkitGetAsEntry?.() ?? null, file: item.getAsFile() }));
  // Entries must be taken synchronously in the drop handler; reading them may wait.
  let fromFolder = false;
  const files: File[] = [];
  for (const { entry, file } of entries) {
    if (entry?.isDirectory) {
      fromFolder = true;
      files.push(...(await filesOf(entry)));
    } else if (file) files.push(file);
  }
  if (entries.length === 0) files.push(...Array.from(transfer.files ?? []));
  return { files, fromFolder };
}

let installed = false;

export function installCaptionDrop(): void {
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
      const pending = droppedFiles(event.dataTransfer);
      void pending.then(({ files, fromFolder }) => addPhotos(files, { fromFolder }));
    },
    { capture: true },
  );
}
