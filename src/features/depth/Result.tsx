import { useState } from 'react';
import { formatBytes } from '../../lib/progress';
import type { InputFile } from '../../state/store';
import type { DepthView } from './meta';
import styles from './Result.module.css';
import { PartialNote } from '../../app/components/PartialNote';
import { ResultActions } from '../../app/components/ResultActions';
import { setView, useDepthResult, useDepthStore, type Depth3dPayload, type DepthPhotoPayload, type DepthResult, type DepthVideoPayload } from './state';

const VIEWS: Array<{ id: DepthView; label: string }> = [
  { id: 'side', label: 'Side by side' },
  { id: 'overlay', label: 'Overlay' },
];

function Photo({ input, result, payload }: { input: InputFile; result: DepthResult; payload: DepthPhotoPayload }) {
  const view = useDepthStore((s) => s.view);
  const [split, setSplit] = useState(50);
  const depthAlt = `Depth map of ${input.name} in the ${payload.colormap} colour map: near is ${payload.colormap === 'grey' ? 'white' : payload.colormap === 'inferno' ? 'pale yellow' : 'red'}, far is ${payload.colormap === 'grey' ? 'black' : payload.colormap === 'inferno' ? 'black' : 'dark blue'}`;
  return (
    <div className={styles.result}>
      <fieldset className={styles.row} style={{ border: 0, padding: 0, margin: 0 }}>
        <legend className={styles.caption}>View</legend>
        {VIEWS.map((v) => (
          <label key={v.id} className={styles.radio}>
            <input type="radio" name="depth-view" value={v.id} data-testid={`depth-view-${v.id}`} checked={view === v.id} onChange={() => setView(v.id)} />
            {v.label}
          </label>
        ))}
      </fieldset>
      <figure
        className={styles.figure}
        data-testid="result"
        data-backend={payload.backend}
        data-variant={payload.variant}
        data-model={payload.modelId}
        data-colormap={payload.colormap}
        data-width={payload.width}
        data-height={payload.height}
      >
        {view === 'side' ? (
          <div className={styles.side}>
            <img className={styles.image} src={input.previewUrl} alt={`Your photo: ${input.name}`} />
            <img className={styles.image} src={payload.displayUrl} alt={depthAlt} data-testid="depth-image" />
          </div>
        ) : (
          <div className={styles.compare}>
            <img className={styles.image} src={input.previewUrl} alt={`Your photo: ${input.name}`} />
            <img className={`${styles.image} ${styles.over}`} src={payload.displayUrl} alt={depthAlt} data-testid="depth-image" style={{ clipPath: `inset(0 0 0 ${split}%)` }} />
            <div className={styles.divider} style={{ left: `${split}%` }} aria-hidden="true" />
          </div>
        )}
        <figcaption className={styles.caption}>
          {payload.width}×{payload.height} · {payload.modelTitle} (ran at {payload.modelSize.width}×{payload.modelSize.height}) · {payload.backend.toUpperCase()} {payload.variant} ·{' '}
          {(payload.inferMillis / 1000).toFixed(1)} s · relative depth, nearest point of the photo = 1
        </figcaption>
      </figure>
      {view === 'overlay' && (
        <label className={styles.slider}>
          <span>Photo / depth</span>
          <input type="range" min={0} max={100} value={split} data-testid="depth-overlay-slider" onChange={(e) => setSplit(Number(e.target.value))} aria-valuetext={`${100 - split}% depth map`} />
        </label>
      )}
      {result.url && (
        <a className={styles.download} data-testid="download" href={result.url} download={result.fileName}>
          Download {result.fileName}
        </a>
      )}
      <ResultActions task="depth" url={result.url} fileName={result.fileName} title={`Depth map of ${input.name}`} settings={{ colormap: payload.colormap, format: payload.format, model: payload.modelTitle }} />
    </div>
  );
}

function Photo3d({ input, result, payload }: { input: InputFile; result: DepthResult; payload: Depth3dPayload }) {
  return (
    <div className={styles.result}>
      <figure className={styles.figure} data-testid="result" data-backend={payload.backend} data-width={payload.width} data-height={payload.height}>
        {payload.format === 'gif' ? (
          <img className={styles.image} src={result.url} alt={`3D photo of ${input.name}: the camera circles in front of it`} />
        ) : (
          <video className={styles.image} src={result.url} autoPlay loop muted playsInline controls aria-label={`3D photo of ${input.name}: the camera circles in front of it`} />
        )}
        <figcaption className={styles.caption}>
          {payload.width}×{payload.height} · 3D photo from {payload.modelTitle}'s depth · {payload.frames} frames · {payload.codec.toUpperCase()} · {formatBytes(payload.bytes)}
        </figcaption>
      </figure>
      <a className={styles.download} data-testid="download" href={result.url} download={result.fileName}>
        Download {result.fileName}
      </a>
      <ResultActions task="depth" url={result.url} fileName={result.fileName} title={`3D photo of ${input.name}`} settings={{ mode: '3d photo', format: payload.format, frames: payload.frames, model: payload.modelTitle }} />
    </div>
  );
}

function Video({ input, result, payload }: { input: InputFile; result: DepthResult; payload: DepthVideoPayload }) {
  const { flicker } = payload;
  return (
    <div className={styles.result}>
      <figure
        className={styles.figure}
        data-testid="result"
        data-backend={payload.backend}
        data-frames={payload.frames}
        data-audio={payload.hasAudio}
        data-flicker-stable={flicker.stableRatio.toFixed(4)}
        data-flicker-per-frame={flicker.perFrameRatio.toFixed(4)}
        data-range-jitter-stable={flicker.rangeStable.toFixed(6)}
        data-range-jitter-per-frame={flicker.rangePerFrame.toFixed(6)}
      >
        <div className={styles.side}>
          <video className={styles.image} src={input.previewUrl} controls muted aria-label={`Your video: ${input.name}`} />
          {payload.format === 'gif' ? (
            <img className={styles.image} src={result.url} alt={`Depth of ${input.name}, animated`} />
          ) : (
            <video className={styles.image} src={result.url} controls aria-label={`Depth of ${input.name}`} />
          )}
        </div>
        <figcaption className={styles.caption}>
          {payload.width}×{payload.height} · {payload.frames} frames · {payload.modelTitle} · {payload.codec.toUpperCase()}
          {payload.format !== 'gif' && (payload.hasAudio ? ' with audio' : ', no audio')} · {payload.framesPerSecond.toFixed(1)} fps on {payload.backend.toUpperCase()} ·{' '}
          {formatBytes(payload.bytes)} · flicker {flicker.stableRatio.toFixed(2)}× the input's change (per-frame min–max would give {flicker.perFrameRatio.toFixed(2)}×)
        </figcaption>
      </figure>
      <PartialNote text={payload.warning} />
      <a className={styles.download} data-testid="download" href={result.url} download={result.fileName}>
        Download {result.fileName}
      </a>
      <ResultActions task="depth" url={result.url} fileName={result.fileName} title={`Depth of ${input.name}`} settings={{ colormap: payload.colormap, format: payload.format, frames: payload.frames, model: payload.modelTitle }} />
    </div>
  );
}

/** The photo, then its depth map (side by side or as an overlay with a slider), or the 3D photo GIF. */
export function DepthResultView({ input }: { input: InputFile }) {
  const result = useDepthResult();
  if (result?.payload.kind === 'photo' && result.payload.displayUrl) return <Photo input={input} result={result} payload={result.payload} />;
  if (result?.payload.kind === '3d') return <Photo3d input={input} result={result} payload={result.payload} />;
  if (result?.payload.kind === 'video' && input.video) return <Video input={input} result={result} payload={result.payload} />;
  if (input.video) {
    return (
      <figure className={styles.figure}>
        <video className={styles.image} src={input.previewUrl} controls muted aria-label={`Your video: ${input.name}`} />
      </figure>
    );
  }
  return (
    <figure className={styles.figure}>
      <img className={styles.image} src={input.previewUrl} alt={`Your photo: ${input.name}`} />
    </figure>
  );
}
