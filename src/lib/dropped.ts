/**
 * What a drop holds: files, and folders walked recursively (DataTransferItem.webkitGetAsEntry).
 * Hidden files (".DS_Store") are left out. Used by the page-wide drop zone and the caption batch.
 */
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

/** A folder's files; with `prefix` set, each name keeps its folder path, as a folder pick does (webkitRelativePath). */
async function filesOf(entry: Entry, prefix: string | null): Promise<File[]> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    return [prefix ? new File([file], `${prefix}${file.name}`, { type: file.type, lastModified: file.lastModified }) : file];
  }
  if (!entry.isDirectory) return [];
  const children = await readAll((entry as FileSystemDirectoryEntry).createReader());
  const inner = prefix === null ? null : `${prefix}${entry.name}/`;
  const nested = await Promise.all(children.filter((c) => !c.name.startsWith('.')).map((c) => filesOf(c, inner)));
  return nested.flat();
}

export interface Dropped {
  files: File[];
  /** Whether any folder was dropped. */
  fromFolder: boolean;
}

/**
 * Call synchronously inside the drop handler: the entries are taken at once (the DataTransfer
 * empties after the handler), folders are read afterwards. `keepFolderPath` names a folder's files
 * `folder/sub/photo.jpg`.
 */
export function droppedFiles(transfer: DataTransfer, { keepFolderPath = false } = {}): Promise<Dropped> {
  const taken = Array.from(transfer.items ?? [])
    .filter((item) => item.kind === 'file')
    .map((item) => ({ entry: item.webkitGetAsEntry?.() ?? null, file: item.getAsFile() }));
  const plain = Array.from(transfer.files ?? []);
  return (async () => {
    if (taken.length === 0) return { files: plain, fromFolder: false };
    let fromFolder = false;
    const files: File[] = [];
    for (const { entry, file } of taken) {
      if (entry?.isDirectory) {
        fromFolder = true;
        files.push(...(await filesOf(entry, keepFolderPath ? '' : null)));
      } else if (file) files.push(file);
    }
    return { files, fromFolder };
  })();
}
