/** The caption task's settings: model, photos (files or a folder), decoding. */
import { useEffect, useState } from 'react';
import { FilePicker } from '../../app/components/FilePicker';
import { formatBytes } from '../../lib/progress';
import { pickVariant } from '../../models/registry';
import { useAppStore } from '../../state/store';
import styles from './Caption.module.css';
import { captionLimits } from './meta';
import { toUserMessage } from '../../lib/errors';
import { showError } from '../../state/jobs';
import { OWN_CAPTION_MODEL, OWN_CAPTION_ROLES, type OwnCaptionRole } from './own';
import { addOwnCaptionFiles, addPhotos, checkModel, chooseModel, clearPhotos, deleteOwnCaptionFiles, loadCaptionModels, ownCaptionModel, setSettings, useCaptionStore } from './state';

function openModelsPanel(): void {
  // The header's "Models" button opens the manager; the licence and download live there.
  document.querySelector<HTMLButtonElement>('[data-testid="open-models"]')?.click();
}

const ROLE_LABEL: Record<OwnCaptionRole, string> = { encoder: 'encoder', decoder: 'decoder', vocab: 'vocab.json' };

/** ViT-GPT2 files of the user's own: where this build lists no captioning model, or instead of one. */
function OwnFiles() {
  const { ownFiles: own, ownStorage, ownCopying, ownNote } = useCaptionStore();
  const have = OWN_CAPTION_ROLES.filter((role) => own[role]);
  const stored = ownCaptionModel(own);
  const add = (files: File[]) => void addOwnCaptionFiles(files).catch((error) => showError(toUserMessage(error)));
  const where = ownCopying
    ? ' Copying them into this browser…'
    : stored
      ? ownStorage === 'memory'
        ? ' In memory for this visit only (this browser cannot store them; a cancelled job loses them).'
        : " Kept in this browser's storage."
      : '';
  return (
    <div className={styles.row}>
      <FilePicker className={styles.button} label="Use model files of your own" data-testid="caption-own-input" accept=".onnx,.json,.txt" onFiles={add} />
      {stored && !ownCopying && (
        <button type="button" className={styles.button} data-testid="caption-own-remove" onClick={() => void deleteOwnCaptionFiles()}>
          Delete your copy
        </button>
      )}
      <p className={styles.note} data-testid="caption-own-files" aria-live="polite">
        {have.length === 0
          ? `${ownNote ? `${ownNote} ` : ''}ViT-GPT2 from Xenova/vit-gpt2-image-captioning: onnx/encoder_model_quantized.onnx, onnx/decoder_model_merged_quantized.onnx and vocab.json (or their fp32/fp16 files). Pick or drop them here.`
          : `Your files: ${OWN_CAPTION_ROLES.map((role) => `${ROLE_LABEL[role]} ${own[role] ? `(${own[role].name})` : 'missing'}`).join(', ')}.${where}`}
      </p>
    </div>
  );
}

function ModelChoice() {
  const { models, modelsError, modelId, modelReady, ownFiles } = useCaptionStore();
  const backend = useAppStore((s) => s.backend);
  const fp16 = useAppStore((s) => s.gpu?.shaderF16 ?? false);
  useEffect(() => {
    void loadCaptionModels();
    // Back from the models dialog (a download, a delete): look again.
    const onFocus = () => void checkModel();
    window.addEventListener('focus', onFocus);
    document.addEventListener('close', onFocus, true);
    return () => {
      window.removeEventListener('focus', onFocus);
      document.removeEventListener('close', onFocus, true);
    };
  }, []);
  if (modelsError) return <p className={styles.error}>{modelsError}</p>;
  if (!models) return <p className={styles.note}>Looking for captioning models…</p>;
  const ownModel = ownCaptionModel(ownFiles);
  const listed = ownModel ? [...models, ownModel] : models;
  if (listed.length === 0) {
    return (
      <div className={styles.section}>
        <p className={styles.note} data-testid="caption-no-model">
          This build lists no captioning model in models/manifest.json.
        </p>
        <OwnFiles />
      </div>
    );
  }
  const model = listed.find((m) => m.id === modelId) ?? listed[0];
  const variant = pickVariant(model, backend, fp16);
  const own = model.id === OWN_CAPTION_MODEL;
  return (
    <div className={styles.section}>
      <label className={styles.field}>
        Model
        <select className={styles.select} data-testid="caption-model" value={model.id} onChange={(e) => chooseModel(e.target.value)}>
          {listed.map((m) => (
            <option key={m.id} value={m.id}>
              {m.title}
            </option>
          ))}
        </select>
      </label>
      <p className={styles.note} data-testid="caption-model-state">
        {own
          ? `Your files · ${formatBytes(variant.bytes)} · copied from your disk, not downloaded`
          : modelReady === null
            ? 'Checking this device…'
            : modelReady
              ? `On this device · ${variant.name} · ${formatBytes(variant.bytes)} · ${model.licence}`
              : `Not on this device yet: ${variant.name}, ${formatBytes(variant.bytes)} to download once (${model.licence}).`}
      </p>
      {!own && modelReady === false && (
        <div className={styles.row}>
          <button type="button" className={styles.button} onClick={openModelsPanel}>
            Open Models to download it
          </button>
          <button type="button" className={styles.button} onClick={() => void checkModel()}>
            Check again
          </button>
        </div>
      )}
      <OwnFiles />
    </div>
  );
}

function Photos() {
  const count = useCaptionStore((s) => s.photos.length);
  const [note, setNote] = useState('');
  const add = (files: File[], fromFolder: boolean) => {
    const { added, skipped } = addPhotos(files, { fromFolder });
    setNote(`${added} added${skipped ? `, ${skipped} non-image file${skipped === 1 ? '' : 's'} skipped` : ''}.`);
  };
  return (
    <div className={styles.section}>
      <h3 className={styles.heading}>Photos ({count})</h3>
      <div className={styles.row}>
        <FilePicker className={styles.button} label="Add photos" data-testid="caption-files" accept="image/*" onFiles={(files) => add(files, false)} />
        <FilePicker className={styles.button} label="Add a folder" data-testid="caption-folder" folder onFiles={(files) => add(files, true)} />
        {count > 0 && (
          <button type="button" className={styles.button} onClick={clearPhotos} data-testid="caption-clear">
            Clear list
          </button>
        )}
      </div>
      <p className={styles.note} aria-live="polite">
        {note || 'Or drop photos anywhere on the page.'}
      </p>
    </div>
  );
}

function Decoding() {
  const settings = useCaptionStore((s) => s.settings);
  const number = (key: keyof typeof settings, label: string, step = 1) => {
    const [min, max] = captionLimits[key];
    return (
      <label className={styles.field}>
        {label}
        <input
          className={styles.number}
          type="number"
          data-testid={`caption-${key}`}
          min={min}
          max={max}
          step={step}
          value={settings[key]}
          onChange={(e) => {
            const v = Number(e.target.value);
            if (Number.isFinite(v)) setSettings({ [key]: Math.min(max, Math.max(min, step === 1 ? Math.round(v) : v)) });
          }}
        />
      </label>
    );
  };
  return (
    <details className={styles.section}>
      <summary>Decoding</summary>
      <div className={styles.row}>
        {number('numBeams', 'Beams (1 = greedy)')}
        {number('maxLength', 'Max length (tokens)')}
        {number('repetitionPenalty', 'Repetition penalty', 0.05)}
        {number('noRepeatNgramSize', 'No-repeat n-gram (0 = off)')}
      </div>
    </details>
  );
}

export function CaptionOptions() {
  return (
    <div>
      <h2 className={styles.heading}>Captions</h2>
      <ModelChoice />
      <Photos />
      <Decoding />
    </div>
  );
}
