/**
 * What a drop holds: files, and folders walked recursively (DataTransferItem.webkitGetAsEntry; the
 * entries must be taken synchronously in the drop handler, reading them may wait). Hidden files
 * (".DS_Store") are left out.
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

async function filesOf(entry: Entry): Promise<File[]> {
  if (entry.isFile) return [await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject))];
  if (!entry.isDirectory) return [];
  const children = await readAll((entry as FileSystemDirectoryEntry).createReader());
  const nested = await Promise.all(children.filter((c) => !c.name.startsWith('.')).map(filesOf));
  return nested.flat();
}

/** Call synchronously inside the drop handler; the returned promise resolves with every file, folders walked. */
export function droppedFiles(transfer: DataTransfer): Promise<File[]> {
  const items = Array.from(transfer.items ?? []).filter((item) => item.kind === 'file');
  const taken = items.map((item) => ({ entry: item.webkitGetAsEntry?.() ?? null, file: item.getAsFile() }));
  const plain = Array.from(transfer.files ?? []);
  return (async () => {
    if (taken.length === 0) return plain;
    const out: File[] = [];
    for (const { entry, file } of taken) {
      if (entry?.isDirectory) out.push(...(await filesOf(entry)));
      else if (file) out.push(file);
    }
    return out;
  })();
}
