/** The walk task's settings: model and licence, the device check, the two prompts, frames, loop and seeds. */
import { useEffect } from 'react';
import { FilePicker } from '../../app/components/FilePicker';
import { formatBytes } from '../../lib/progress';
import { pickVariant } from '../../models/registry';
import { chooseTask } from '../../state/actions';
import { useAppStore } from '../../state/store';
import { walkLimits } from './meta';
import { isOwnWalk } from './own';
import {
  acceptLicence,
  chooseModel,
  deviceProblem,
  importOwnWalk,
  licenceAccepted,
  loadWalkModels,
  recheckOwnWalk,
  refreshAccepted,
  removeOwnWalk,
  updateSettings,
  useWalkStore,
} from './state';
import styles from './Walk.module.css';

function ModelAndLicence() {
  const state = useWalkStore();
  const backend = useAppStore((s) => s.backend);
  const gpu = useAppStore((s) => s.gpu);
  useEffect(() => {
    void loadWalkModels();
    refreshAccepted();
    // Back from the Models panel (where the licence can be accepted, and a copy deleted): look again.
    const again = () => {
      refreshAccepted();
      void recheckOwnWalk();
    };
    document.addEventListener('close', again, true);
    window.addEventListener('focus', again);
    return () => {
      document.removeEventListener('close', again, true);
      window.removeEventListener('focus', again);
    };
  }, []);
  if (state.modelsError) return <p className={styles.error}>{state.modelsError}</p>;
  if (!state.models) return <p className={styles.note}>Looking for latent-walk models…</p>;
  if (state.models.length === 0) return <p className={styles.note} data-testid="walk-no-model">This build lists no latent-walk model in models/manifest.json: use SD-Turbo files of your own below.</p>;
  const model = state.models.find((m) => m.id === state.modelId) ?? state.models[0];
  const variant = pickVariant(model, backend, gpu?.shaderF16 ?? false);
  const problem = deviceProblem(model, backend, gpu);
  const accepted = licenceAccepted(model, state);
  return (
    <div className={styles.section}>
      {state.models.length > 1 && (
        <label className={styles.field}>
          Model
          <select className={styles.select} data-testid="walk-model" value={model.id} onChange={(e) => chooseModel(e.target.value)}>
            {state.models.map((m) => (
              <option key={m.id} value={m.id}>
                {m.title}
              </option>
            ))}
          </select>
        </label>
      )}
      <p className={styles.note}>
        {model.title} · {variant.name} · {formatBytes(variant.bytes)}
        {isOwnWalk(model) ? (state.own?.storage === 'memory' ? ', in memory for this visit.' : ", in this browser's storage.") : ', downloaded once when you first run it.'}
      </p>
      {problem ? (
        <div className={styles.licence} data-testid="walk-needs-webgpu" role="status">
          <p className={styles.warning}>{problem}</p>
          <div className={styles.row}>
            <button type="button" className={styles.button} data-testid="use-style-morph" onClick={() => chooseTask('style')}>
              Make a style morph instead
            </button>
          </div>
        </div>
      ) : (
        model.licenceMustAccept && (
          <div className={styles.licence} data-testid="walk-licence">
            <p className={styles.note}>
              Licence: <strong>{model.licence}</strong>.{' '}
              {/non-commercial/i.test(model.licence) ? 'You may use the model and the pictures it makes for non-commercial purposes only. ' : ''}
              <a href={model.licenceUrl} target="_blank" rel="noreferrer">
                Read the licence
              </a>
              . Nothing is downloaded before you accept it.
            </p>
            {accepted ? (
              <p className={styles.note} data-testid="licence-accepted">
                You accepted this licence on this device.
              </p>
            ) : (
              <div className={styles.row}>
                <button type="button" className={styles.button} data-testid="accept-licence" onClick={() => acceptLicence(model)}>
                  I accept the licence
                </button>
              </div>
            )}
          </div>
        )
      )}
    </div>
  );
}

/** SD-Turbo files the user has: a folder picked (or dropped on the page) is copied into the model store. */
function OwnFolder() {
  const own = useWalkStore((s) => s.own);
  const note = useWalkStore((s) => s.ownNote);
  return (
    <div className={styles.section}>
      <p className={styles.note} data-testid="walk-own-note" aria-live="polite">
        {own
          ? `Your SD-Turbo: ${own.entry.variants[0].files?.length ?? 0} files, ${formatBytes(own.entry.variants[0].bytes)}${own.storage === 'memory' ? ', in memory for this visit only (this browser cannot store them; a cancelled job loses them)' : ", kept in this browser's storage"}.`
          : (note ??
            'Have SD-Turbo for ONNX Runtime Web already (schmuell/sd-turbo-ort-web: text_encoder, unet, vae_decoder and tokenizer folders, ~2.5 GB)? Choose or drop its folder: it is copied into this browser once and works offline.')}
      </p>
      <div className={styles.row}>
        <FilePicker className={styles.button} label={own ? 'Replace with another folder' : 'Use your SD-Turbo folder'} data-testid="walk-own-folder" folder onFiles={(files) => void importOwnWalk(files)} />
        {own && (
          <button type="button" className={styles.button} data-testid="walk-own-remove" onClick={() => void removeOwnWalk()}>
            Delete your copy
          </button>
        )}
      </div>
    </div>
  );
}

function Prompts() {
  const settings = useWalkStore((s) => s.settings);
  const [minFrames, maxFrames] = walkLimits.frames;
  return (
    <div className={styles.section}>
      <label className={styles.field}>
        From (prompt A)
        <input className={styles.text} data-testid="prompt-a" value={settings.promptA} maxLength={400} onChange={(e) => updateSettings({ promptA: e.target.value })} />
      </label>
      <label className={styles.field}>
        To (prompt B)
        <input className={styles.text} data-testid="prompt-b" value={settings.promptB} maxLength={400} onChange={(e) => updateSettings({ promptB: e.target.value })} />
      </label>
      <div className={styles.row}>
        <label className={styles.field}>
          Frames ({minFrames}–{maxFrames})
          <input
            className={styles.number}
            type="number"
            data-testid="frames"
            min={minFrames}
            max={maxFrames}
            step={1}
            value={settings.frames}
            onChange={(e) => updateSettings({ frames: e.target.valueAsNumber })}
          />
        </label>
        <label className={styles.field}>
          Frame time (ms)
          <input
            className={styles.number}
            type="number"
            data-testid="frame-millis"
            min={walkLimits.frameMillis[0]}
            max={walkLimits.frameMillis[1]}
            step={10}
            value={settings.frameMillis}
            onChange={(e) => updateSettings({ frameMillis: Math.min(walkLimits.frameMillis[1], Math.max(walkLimits.frameMillis[0], e.target.valueAsNumber || 100)) })}
          />
        </label>
      </div>
      <fieldset className={styles.row} style={{ border: 0, padding: 0, margin: 0 }}>
        <legend className={styles.note}>Output</legend>
        {(['gif', 'mp4'] as const).map((format) => (
          <label key={format} className={styles.row}>
            <input type="radio" name="walk-format" data-testid={`format-${format}`} checked={settings.format === format} onChange={() => updateSettings({ format })} />
            {format === 'gif' ? 'GIF (one palette, no flicker)' : 'MP4 video'}
          </label>
        ))}
      </fieldset>
      <label className={styles.row}>
        <input type="checkbox" data-testid="ping-pong" checked={settings.pingPong} onChange={(e) => updateSettings({ pingPong: e.target.checked })} />
        Ping-pong loop (there and back)
      </label>
      <div className={styles.row}>
        <label className={styles.field}>
          Seed
          <input className={styles.number} type="number" data-testid="seed" step={1} value={settings.seed} onChange={(e) => updateSettings({ seed: Math.trunc(e.target.valueAsNumber || 0) })} />
        </label>
        <label className={styles.row}>
          <input type="checkbox" data-testid="seed-walk" checked={settings.seedWalk} onChange={(e) => updateSettings({ seedWalk: e.target.checked })} />
          Walk to another seed too
        </label>
        {settings.seedWalk && (
          <label className={styles.field}>
            Second seed
            <input className={styles.number} type="number" data-testid="seed-b" step={1} value={settings.seedB} onChange={(e) => updateSettings({ seedB: Math.trunc(e.target.valueAsNumber || 0) })} />
          </label>
        )}
      </div>
    </div>
  );
}

export function WalkOptions() {
  return (
    <>
      <h2 className={styles.heading}>Latent walk</h2>
      <ModelAndLicence />
      <OwnFolder />
      <Prompts />
    </>
  );
}
