import { useEffect } from 'react';
import { FormatPicker, VIDEO_FORMATS, type FormatChoice } from '../../app/components/FormatPicker';
import { useAppStore } from '../../state/store';
import { colormapTable, COLORMAPS, type ColormapId } from './colormap';
import { depthMeta, type DepthFormat } from './meta';
import { depthKindOf, OWN_DEPTH_MODEL } from './models';
import styles from './Options.module.css';
import { chooseModel, chosenModel, deleteOwnDepthModel, loadModels, refreshStatus, runDepth3d, setColormap, setFormat, setPhoto3dFormat, updateVideo, useDepthStore } from './state';

const COLORMAP_LABEL: Record<ColormapId, string> = { turbo: 'Turbo', inferno: 'Inferno', grey: 'Grey' };

const FORMATS: Array<FormatChoice<DepthFormat>> = [
  { id: 'png', label: 'PNG (colour map)', note: 'the picture as shown' },
  { id: 'png16', label: '16-bit PNG (values)', note: 'greyscale 0-65535 for Blender, compositing: 65535 = nearest, 0 = farthest' },
];

function mb(bytes: number): string {
  return `${Math.max(1, Math.round(bytes / (1024 * 1024)))} MB`;
}

/** A CSS gradient of the colour map, far (left) to near (right). */
function gradient(id: ColormapId): string {
  const t = colormapTable(id);
  const stops = [0, 64, 128, 192, 255].map((i) => `rgb(${t[i * 3]},${t[i * 3 + 1]},${t[i * 3 + 2]})`);
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

function ModelChoice() {
  const models = useDepthStore((s) => s.models);
  const modelsError = useDepthStore((s) => s.modelsError);
  const modelId = useDepthStore((s) => s.modelId);
  const status = useDepthStore((s) => s.status);
  const ownModel = useDepthStore((s) => s.ownModel);
  const ownNote = useDepthStore((s) => s.ownNote);
  const backend = useAppStore((s) => s.backend);
  useEffect(() => {
    void loadModels();
    // Back from the Models panel (a download, a delete, a copy of your own deleted): look again.
    const again = () => void refreshStatus();
    document.addEventListener('close', again, true);
    return () => document.removeEventListener('close', again, true);
  }, []);
  const chosen = models?.find((m) => m.id === modelId);
  let state = '';
  if (chosen && status) {
    if (status.state === 'ready') state = 'On this device: runs offline.';
    else if (status.state === 'memory') state = 'In memory for this session.';
    else if (chosen.licenceMustAccept) state = `Not on this device yet (${mb(status.totalBytes)}). Its licence must be accepted first: open Models to read it and download.`;
    else state = `Not on this device yet: Make depth map downloads it first (${mb(status.totalBytes)}, once; then it works offline).`;
  }
  return (
    <fieldset className={styles.fieldset}>
      <legend>Model</legend>
      {models === null && <p className={styles.note}>Reading the list of models…</p>}
      {modelsError && <p className={styles.warn} role="status">The list of depth models could not be read: {modelsError}</p>}
      {models?.length === 0 && !modelsError && !ownModel && <p className={styles.note}>No depth model is listed in this deployment's models/manifest.json.</p>}
      {models?.map((m) => (
        <label key={m.id} className={styles.model}>
          <input type="radio" name="depth-model" value={m.id} data-testid={`depth-model-${m.id}`} checked={m.id === modelId} onChange={() => chooseModel(m.id)} />
          <span>{m.title}</span>
          <small>
            {depthKindOf(m) === 'midas' ? 'Light (MiDaS, 256×256)' : 'Default (518 px on the short side)'} · {m.licence}
          </small>
        </label>
      ))}
      {ownModel && (
        <label className={styles.model}>
          <input type="radio" name="depth-model" value={OWN_DEPTH_MODEL} data-testid="depth-model-own" checked={modelId === OWN_DEPTH_MODEL} onChange={() => chooseModel(OWN_DEPTH_MODEL)} />
          <span>{ownModel.file.path}</span>
          <small>
            Your file · {mb(ownModel.file.bytes)}, {ownModel.storage === 'memory' ? 'in memory for this visit only (this browser cannot store it; a cancelled job loses it)' : "kept in this browser's storage"}
          </small>
        </label>
      )}
      <p className={styles.note} data-testid="depth-own-note">
        {ownModel ? (
          <>
            Drop or choose another depth model file (.onnx) to replace it, or{' '}
            <button type="button" className={styles.linkButton} data-testid="depth-own-remove" onClick={() => void deleteOwnDepthModel()}>
              delete your copy
            </button>
            .
          </>
        ) : (
          <>
            {ownNote ? `${ownNote} ` : ''}Or use a depth model file of your own (.onnx): drop it on the page or choose it as you would a photo. Depth Anything V2 (e.g. <code>onnx/model.onnx</code> of
            onnx-community/depth-anything-v2-small) and MiDaS v2.1 small (256×256) run.
          </>
        )}
      </p>
      {state && (
        <p className={styles.note} data-testid="depth-model-state" data-state={status?.state}>
          {state}
        </p>
      )}
      {backend === 'wasm' && (
        <p className={styles.note} data-testid="depth-backend-note">
          Runs on the CPU (WASM) here, without WebGPU: slower, a photo takes seconds rather than a fraction of one.
        </p>
      )}
    </fieldset>
  );
}

/** Videos: output format and processing height; the colour map is the one chosen above, normalised steadily across frames. */
function VideoChoices() {
  const video = useDepthStore((s) => s.video);
  return (
    <>
      <FormatPicker choices={VIDEO_FORMATS} current={video.format} onPick={(format) => updateVideo({ format })} />
      <fieldset className={styles.fieldset}>
        <legend>Processing height</legend>
        <div className={styles.row}>
          {depthMeta.video.heights.map((h) => (
            <label key={h} className={styles.radio}>
              <input type="radio" name="depth-height" value={h} checked={video.height === h} onChange={() => updateVideo({ height: h })} />
              {h === 0 ? 'Original' : `${h}p`}
            </label>
          ))}
        </div>
        <p className={styles.note}>The colour range follows the video slowly, so colours do not flicker from frame to frame.</p>
      </fieldset>
    </>
  );
}

export function DepthOptions() {
  const colormap = useDepthStore((s) => s.colormap);
  const format = useDepthStore((s) => s.format);
  const input = useAppStore((s) => s.input);
  const running = useAppStore((s) => s.job.status === 'running');
  const hasModel = useDepthStore((s) => chosenModel(s) !== undefined);
  const photo3dFormat = useDepthStore((s) => s.photo3dFormat);
  const isVideo = input?.video != null;
  return (
    <div className={styles.section}>
      <h2 className={styles.heading}>Depth map</h2>
      <ModelChoice />
      <fieldset className={styles.fieldset}>
        <legend>Colour map</legend>
        <div className={styles.row}>
          {COLORMAPS.map((id) => (
            <label key={id} className={styles.radio}>
              <input type="radio" name="colormap" value={id} data-testid={`colormap-${id}`} checked={colormap === id} onChange={() => setColormap(id)} />
              <span className={styles.swatch} style={{ background: gradient(id) }} aria-hidden="true" />
              {COLORMAP_LABEL[id]}
            </label>
          ))}
        </div>
        <p className={styles.note}>Far on the left of each bar, near on the right.</p>
      </fieldset>
      {isVideo ? <VideoChoices /> : <FormatPicker choices={FORMATS} current={format} onPick={setFormat} />}
      {!isVideo && format === 'png16' && (
        <p className={styles.note}>
          16-bit greyscale, relative inverse depth: 65535 is the nearest point of the photo, 0 the farthest. Not metric and not linear in distance.
        </p>
      )}
      {!isVideo && (
        <fieldset className={styles.fieldset}>
          <legend>3D photo</legend>
          <div className={styles.row}>
            {(['gif', 'mp4'] as const).map((f) => (
              <label key={f} className={styles.radio}>
                <input type="radio" name="depth-3d-format" value={f} data-testid={`depth-3d-format-${f}`} checked={photo3dFormat === f} onChange={() => setPhoto3dFormat(f)} />
                {f.toUpperCase()}
              </label>
            ))}
          </div>
          <button type="button" className={styles.button} data-testid="depth-3d" disabled={!input || running || !hasModel} onClick={() => void runDepth3d()}>
            Make a 3D photo ({photo3dFormat.toUpperCase()})
          </button>
          <p className={styles.note}>The camera circles in front of the photo for {((depthMeta.photo3d.frames * depthMeta.photo3d.frameMillis) / 1000).toFixed(1)} s, up to {depthMeta.photo3d.maxSide} px.</p>
        </fieldset>
      )}
    </div>
  );
}
