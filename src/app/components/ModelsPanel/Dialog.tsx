/**
 * The "Models on this device" dialog: each downloadable (catalogue) model with its size, licence and
 * state; download (licence first where it must be accepted), progress with speed and time left,
 * cancel, delete one or all, storage used and free; and the model files the user copied in (depth,
 * captions, walk), with their size and a Delete. Nothing is downloaded until a button says so.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { create } from 'zustand';
import { isCancelled, toUserMessage } from '../../../lib/errors';
import { formatDuration } from '../../../lib/progress';
import {
  deleteAllModels,
  deleteModel,
  downloadVariant,
  loadServedManifest,
  requestPersistence,
  StorageFullError,
  storageEstimate,
  variantStatus,
  loadVariantFiles,
  type DownloadProgress,
  type VariantStatus,
} from '../../../models/manager';
import { chooseMemory, memoryChosenHere } from '../../../models/choices';
import { deleteOwnCopy, listMemoryCopies, listOwnCopies, OWN_KEY_PREFIX, removeMemoryCopy, saveOwnFiles } from '../../../models/own';
import { pickVariant, type ModelEntry, type ModelVariant } from '../../../models/registry';
import { useAppStore } from '../../../state/store';
import styles from './style.module.css';

const ACCEPTED_KEY = 'clipmorph-accepted-licences';

function acceptedLicences(): Record<string, string> {
  try {
    return JSON.parse(localStorage.getItem(ACCEPTED_KEY) ?? '{}') as Record<string, string>;
  } catch {
    return {};
  }
}

function rememberAcceptance(model: ModelEntry): void {
  localStorage.setItem(ACCEPTED_KEY, JSON.stringify({ ...acceptedLicences(), [model.id]: model.licenceUrl ?? model.licence }));
}

/** Accepted for this model and this licence (a changed licence URL asks again). */
function hasAccepted(model: ModelEntry): boolean {
  return acceptedLicences()[model.id] === (model.licenceUrl ?? model.licence);
}

export function formatSize(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  if (mb >= 1024) return `${(mb / 1024).toFixed(2)} GB`;
  if (mb >= 10) return `${mb.toFixed(0)} MB`;
  if (mb >= 0.1) return `${mb.toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

interface RowState {
  status?: VariantStatus;
  progress?: DownloadProgress;
  /** A sentence for the user: what happened and what to do. */
  message?: string;
  error?: boolean;
  /** The storage was full: offer to run from memory this time. */
  quota?: boolean;
  showLicence?: boolean;
}

function appRoot(): string {
  return new URL('./', document.baseURI).href;
}

/**
 * Rows live outside the dialog: closing the panel leaves downloads running, and opening it again
 * shows where they are.
 */
const useRows = create<{ rows: Record<string, RowState> }>(() => ({ rows: {} }));
const downloads = new Map<string, AbortController>();

function patch(id: string, next: Partial<RowState>): void {
  useRows.setState((s) => ({ rows: { ...s.rows, [id]: { ...s.rows[id], ...next } } }));
}

async function refreshRow(model: ModelEntry, variant: ModelVariant): Promise<void> {
  patch(model.id, { status: await variantStatus(variant) });
}

async function startDownload(model: ModelEntry, variant: ModelVariant, onSettled: () => void): Promise<void> {
  const controller = new AbortController();
  downloads.set(model.id, controller);
  patch(model.id, { message: undefined, error: false, quota: false, showLicence: false, progress: { done: 0, total: variant.bytes, bytesPerSecond: null, secondsLeft: null } });
  let last = 0;
  try {
    await requestPersistence();
    await downloadVariant(model, variant, {
      storage: 'device',
      signal: controller.signal,
      onProgress: (done, total, info) => {
        const now = performance.now();
        if (now - last < 100 && done < total) return; // ten updates a second are enough to read
        last = now;
        patch(model.id, { progress: info });
      },
    });
    patch(model.id, { progress: undefined, message: 'Downloaded and verified (sha256). It works offline from now on.' });
  } catch (error) {
    if (isCancelled(error)) patch(model.id, { progress: undefined, message: 'Download cancelled. What arrived is kept: downloading again resumes from there.' });
    else if (error instanceof StorageFullError) patch(model.id, { progress: undefined, error: true, quota: true, message: error.message });
    else patch(model.id, { progress: undefined, error: true, message: toUserMessage(error) });
  } finally {
    downloads.delete(model.id);
    await refreshRow(model, variant);
    onSettled();
  }
}

export default function ModelsDialog({ onClose }: { onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const backend = useAppStore((s) => s.backend);
  const gpu = useAppStore((s) => s.gpu);
  const [models, setModels] = useState<ModelEntry[] | null>(null);
  const [embedded, setEmbedded] = useState<{ count: number; bytes: number } | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const rows = useRows((s) => s.rows);
  const [estimate, setEstimate] = useState<Awaited<ReturnType<typeof storageEstimate>>>(null);
  /** Model files the user copied in (depth, captions, walk): listed so their space can be found and freed. */
  const [own, setOwn] = useState(() => listOwnCopies());
  /** Copies in a worker's memory (a browser that cannot write model files): listed so they can be let go. */
  const [inMemory, setInMemory] = useState(() => listMemoryCopies());

  const variantOf = useCallback((model: ModelEntry): ModelVariant => pickVariant(model, backend, gpu?.shaderF16 ?? false), [backend, gpu]);
  const refresh = useCallback(
    async (list: ModelEntry[]) => {
      await Promise.all(list.map((m) => refreshRow(m, variantOf(m))));
      setEstimate(await storageEstimate());
    },
    [variantOf],
  );

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal(); // modal: focus moves in, Esc closes, the page behind is inert
    const controller = new AbortController();
    loadServedManifest(appRoot(), controller.signal)
      .then(async (manifest) => {
        const catalogue = manifest.models.filter((m) => !m.embedded);
        const builtIn = manifest.models.filter((m) => m.embedded);
        setEmbedded({ count: builtIn.length, bytes: builtIn.reduce((sum, m) => sum + m.variants.reduce((s, v) => s + v.bytes, 0), 0) });
        setModels(catalogue);
        await refresh(catalogue);
      })
      .catch((error: unknown) => !isCancelled(error) && setLoadError(toUserMessage(error)));
    return () => controller.abort(); // downloads go on: the panel can be closed while they run
  }, [refresh]);

  const start = (model: ModelEntry) => void startDownload(model, variantOf(model), () => void storageEstimate().then(setEstimate));

  const askDownload = (model: ModelEntry) => {
    if (model.licenceMustAccept && !hasAccepted(model)) patch(model.id, { showLicence: true, message: undefined, error: false });
    else start(model);
  };

  /** Reads the model the way the runtime does (loadVariantFiles), with every sha256 checked again. */
  const check = async (model: ModelEntry) => {
    patch(model.id, { message: 'Checking the stored files…', error: false });
    try {
      const files = await loadVariantFiles(model, variantOf(model), { appRoot: appRoot(), verify: true });
      const bytes = files.reduce((sum, f) => sum + f.bytes.byteLength, 0);
      patch(model.id, { message: `All ${files.length} files read back from this device and verified (sha256, ${formatSize(bytes)}).` });
    } catch (error) {
      patch(model.id, { error: true, message: toUserMessage(error) });
    }
  };

  const remove = async (model: ModelEntry) => {
    downloads.get(model.id)?.abort();
    await deleteModel(model);
    patch(model.id, { message: 'Deleted from this device.', error: false, quota: false });
    if (models) await refresh(models);
  };

  const removeOwn = async (key: string) => {
    await deleteOwnCopy(key);
    setOwn(listOwnCopies());
    setEstimate(await storageEstimate());
  };

  const removeFromMemory = (key: string) => {
    removeMemoryCopy(key);
    setInMemory(listMemoryCopies());
  };

  const removeAll = async () => {
    for (const c of downloads.values()) c.abort();
    for (const copy of inMemory) removeMemoryCopy(copy.key);
    setInMemory(listMemoryCopies());
    await deleteAllModels();
    for (const copy of own) saveOwnFiles(copy.key, null); // their files went with the store
    setOwn(listOwnCopies());
    if (models) {
      for (const m of models) patch(m.id, { message: undefined, quota: false, error: false });
      await refresh(models);
    }
  };

  const anyStored = (models?.some((m) => (rows[m.id]?.status?.storedBytes ?? 0) > 0) ?? false) || own.length > 0 || inMemory.length > 0;

  return (
    <dialog ref={dialog} className={styles.dialog} data-testid="models-panel" aria-labelledby="models-title" onClose={onClose}>
      <div className={styles.head}>
        <h2 id="models-title">Models on this device</h2>
        <button type="button" className={styles.close} onClick={() => dialog.current?.close()} aria-label="Close">
          ×
        </button>
      </div>
      <p className={styles.storage} data-testid="storage-estimate">
        {estimate
          ? `Storage: ${formatSize(estimate.usage)} used, ${formatSize(Math.max(0, estimate.quota - estimate.usage))} free for this app${estimate.persisted ? ' (kept: the browser will not clear it to save space)' : ' (the browser may clear it when space runs low)'}.`
          : 'This browser does not report storage use.'}
      </p>
      {embedded && (
        <p className={styles.note}>
          Built in: {embedded.count} style models ({formatSize(embedded.bytes)}), part of the app and always available offline.
        </p>
      )}
      {loadError && (
        <p role="alert" className={styles.error}>
          {loadError}
        </p>
      )}
      {models && models.length === 0 && <p className={styles.note}>No downloadable models are listed yet.</p>}
      {models && models.length > 0 && (
        <ul className={styles.list} aria-label="Downloadable models">
          {models.map((model) => {
            const row = rows[model.id] ?? {};
            const variant = variantOf(model);
            const status = row.status;
            const busy = Boolean(row.progress);
            const percent = row.progress && row.progress.total > 0 ? Math.floor((row.progress.done / row.progress.total) * 100) : 0;
            const stateText =
              status?.state === 'ready'
                ? `On this device · ${formatSize(status.totalBytes)}`
                : status?.state === 'memory'
                  ? 'In memory for this session'
                  : status?.state === 'partial'
                    ? `Partly downloaded · ${formatSize(status.storedBytes)} of ${formatSize(status.totalBytes)}`
                    : memoryChosenHere(model.id)
                      ? `Runs from memory this visit · ${formatSize(variant.bytes)}, not kept`
                      : `Not downloaded · ${formatSize(variant.bytes)}`;
            return (
              <li key={model.id} className={styles.row} data-testid={`model-${model.id}`} aria-labelledby={`model-title-${model.id}`}>
                <div className={styles.info}>
                  <h3 id={`model-title-${model.id}`}>{model.title}</h3>
                  <p className={styles.meta}>
                    {model.task} · {variant.name} · {variant.files?.length ?? 1} files ·{' '}
                    <span data-testid={`model-size-${model.id}`}>{formatSize(variant.bytes)}</span>
                  </p>
                  <p className={styles.meta}>
                    Licence:{' '}
                    {model.licenceUrl ? (
                      <a href={model.licenceUrl} target="_blank" rel="noreferrer">
                        {model.licence}
                      </a>
                    ) : (
                      model.licence
                    )}
                    {model.licenceMustAccept ? ' (must be accepted before download)' : ''}
                  </p>
                  <p className={styles.state} data-testid={`model-state-${model.id}`}>
                    {stateText}
                  </p>
                </div>
                <div className={styles.actions}>
                  {status && status.state !== 'ready' && !busy && (
                    <button type="button" className={styles.primary} data-testid={`download-model-${model.id}`} onClick={() => askDownload(model)}>
                      {status.state === 'partial' ? 'Resume download' : 'Download'}
                    </button>
                  )}
                  {status?.state === 'ready' && !busy && (
                    <button type="button" data-testid={`check-model-${model.id}`} onClick={() => void check(model)}>
                      Check files
                    </button>
                  )}
                  {status && status.state !== 'absent' && !busy && (
                    <button type="button" className={styles.danger} data-testid={`delete-model-${model.id}`} onClick={() => void remove(model)}>
                      Delete
                    </button>
                  )}
                </div>
                {row.showLicence && (
                  <div className={styles.licence} role="group" aria-labelledby={`licence-${model.id}`}>
                    <p id={`licence-${model.id}`}>
                      {model.title} is released under the <strong>{model.licence}</strong> licence. Read it{' '}
                      <a href={model.licenceUrl} target="_blank" rel="noreferrer">
                        here
                      </a>{' '}
                      and accept it to download the model ({formatSize(variant.bytes)}) from {new URL(variant.files?.[0]?.url ?? model.source, location.href).host}.
                    </p>
                    <div className={styles.actions}>
                      <button
                        type="button"
                        className={styles.primary}
                        data-testid="accept-licence"
                        onClick={() => {
                          rememberAcceptance(model);
                          start(model);
                        }}
                      >
                        Accept and download
                      </button>
                      <button type="button" onClick={() => patch(model.id, { showLicence: false })}>
                        Not now
                      </button>
                    </div>
                  </div>
                )}
                {row.progress && (
                  <div className={styles.progress}>
                    <div
                      role="progressbar"
                      data-testid={`model-progress-${model.id}`}
                      aria-label={`Downloading ${model.title}`}
                      aria-valuemin={0}
                      aria-valuemax={100}
                      aria-valuenow={percent}
                      aria-valuetext={`${percent}%`}
                      className={styles.track}
                    >
                      <div className={styles.fill} style={{ width: `${percent}%` }} />
                    </div>
                    <p className={styles.meta} data-testid={`model-speed-${model.id}`}>
                      {formatSize(row.progress.done)} of {formatSize(row.progress.total)}
                      {row.progress.bytesPerSecond ? ` · ${formatSize(row.progress.bytesPerSecond)}/s` : ''}
                      {row.progress.secondsLeft !== null ? ` · about ${formatDuration(row.progress.secondsLeft)} left` : ''}
                    </p>
                    <p className={styles.meta}>You can close this panel: the download goes on.</p>
                    <button type="button" data-testid={`cancel-download-${model.id}`} onClick={() => downloads.get(model.id)?.abort()}>
                      Cancel download
                    </button>
                  </div>
                )}
                {row.message && (
                  <div className={row.error ? styles.error : styles.note} role={row.error ? 'alert' : 'status'} data-testid={`model-message-${model.id}`}>
                    <p>{row.message}</p>
                    {row.quota && (
                      <button
                        type="button"
                        className={styles.primary}
                        data-testid={`run-from-memory-${model.id}`}
                        onClick={() => {
                          chooseMemory(model.id);
                          patch(model.id, {
                            quota: false,
                            error: false,
                            message: `During this visit, ${model.title} runs from memory: a task downloads it when it needs it, and it is not kept on this device.`,
                          });
                        }}
                      >
                        Run from memory this time
                      </button>
                    )}
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {own.length > 0 && (
        <ul className={styles.list} aria-label="Model files of your own">
          {own.map((copy) => {
            const id = copy.key.slice(OWN_KEY_PREFIX.length);
            return (
              <li key={copy.key} className={styles.row} data-testid={`own-copy-${id}`} aria-labelledby={`own-title-${id}`}>
                <div className={styles.info}>
                  <h3 id={`own-title-${id}`}>{copy.label}</h3>
                  <p className={styles.meta}>
                    {copy.files.length} file{copy.files.length === 1 ? '' : 's'} copied from your disk · {formatSize(copy.bytes)}
                  </p>
                </div>
                <div className={styles.actions}>
                  <button type="button" className={styles.danger} data-testid={`delete-own-${id}`} onClick={() => void removeOwn(copy.key)}>
                    Delete
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {inMemory.length > 0 && (
        <ul className={styles.list} aria-label="Model files of your own, in memory">
          {inMemory.map((copy) => {
            const id = copy.key.slice(OWN_KEY_PREFIX.length);
            return (
              <li key={copy.key} className={styles.row} data-testid={`memory-copy-${id}`} aria-labelledby={`memory-title-${id}`}>
                <div className={styles.info}>
                  <h3 id={`memory-title-${id}`}>{copy.label}</h3>
                  <p className={styles.meta}>
                    {copy.files} file{copy.files === 1 ? '' : 's'} copied from your disk · {formatSize(copy.bytes)} · in memory for this visit only (this browser cannot
                    store model files)
                  </p>
                </div>
                <div className={styles.actions}>
                  <button type="button" className={styles.danger} data-testid={`remove-memory-${id}`} onClick={() => removeFromMemory(copy.key)}>
                    Remove from memory
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
      <div className={styles.footer}>
        <button type="button" className={styles.danger} data-testid="delete-all-models" disabled={!anyStored} onClick={() => void removeAll()}>
          {own.length > 0 || inMemory.length > 0 ? 'Delete all stored models' : 'Delete all downloaded models'}
        </button>
        <button type="button" onClick={() => dialog.current?.close()}>
          Close
        </button>
      </div>
    </dialog>
  );
}
