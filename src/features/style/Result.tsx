import { useState } from 'react';
import { ResultActions } from '../../app/components/ResultActions';
import { formatBytes } from '../../lib/progress';
import type { InputFile } from '../../state/store';
import styles from './Result.module.css';
import { useStyleResult, useStyleStore, type ImagePayload, type MorphPayload, type StyleResult } from './state';
import { VideoResult } from './VideoResult';

function Morph({ input, result, payload }: { input: InputFile; result: StyleResult; payload: MorphPayload }) {
  return (
    <div className={styles.result}>
      <figure className={styles.figure} data-testid="result" data-backend={payload.backend}>
        {payload.format === 'mp4' ? (
          <video className={styles.image} src={result.url} controls loop muted playsInline aria-label={`${input.name} morphing from ${payload.title}${payload.pingPong ? ' and back' : ''}`} />
        ) : (
          <img className={styles.image} src={result.url} alt={`${input.name} morphing from ${payload.title}${payload.pingPong ? ' and back' : ''}`} />
        )}
        <figcaption className={styles.caption}>
          {payload.width}×{payload.height} · style morph, {payload.title} · {payload.frames} frames{payload.pingPong ? ' (ping-pong)' : ''} · {payload.format === 'mp4' ? `MP4 (${payload.codec})` : 'GIF, one palette'} · {payload.backend.toUpperCase()} · {formatBytes(payload.bytes)}
        </figcaption>
      </figure>
      <a className={styles.download} data-testid="download" href={result.url} download={result.fileName}>
        Download {result.fileName}
      </a>
      <ResultActions task="style" url={result.url} fileName={result.fileName} title={`${input.name}: style morph, ${payload.title}`} settings={{ morph: payload.title, format: payload.format, pingPong: payload.pingPong, frames: payload.frames, strength: useStyleStore.getState().strength }} />
    </div>
  );
}

function Photo({ input, result, payload }: { input: InputFile; result: StyleResult; payload: ImagePayload }) {
  const [split, setSplit] = useState(50);
  return (
    <div className={styles.result}>
      <figure className={styles.figure} data-testid="result" data-backend={payload.backend} data-variant={payload.variant} data-model={payload.modelId}>
        <div className={styles.compare}>
          <img className={styles.image} src={input.previewUrl} alt={`Before: ${input.name}`} />
          <img
            className={`${styles.image} ${styles.after}`}
            src={result.url}
            alt={`After: ${input.name} in the style of ${payload.styleTitle}`}
            style={{ clipPath: `inset(0 0 0 ${split}%)` }}
          />
          <div className={styles.divider} style={{ left: `${split}%` }} aria-hidden="true" />
        </div>
        <figcaption className={styles.caption}>
          {payload.width}×{payload.height} · {payload.styleTitle} · {payload.backend.toUpperCase()} {payload.variant} ·{' '}
          {(payload.inferMillis / 1000).toFixed(1)} s{payload.tiles > 1 ? ` in ${payload.tiles} tiles` : ''}
        </figcaption>
      </figure>
      <label className={styles.slider}>
        <span>Before / after</span>
        <input type="range" min={0} max={100} value={split} onChange={(e) => setSplit(Number(e.target.value))} aria-valuetext={`${100 - split}% after`} />
      </label>
      <a className={styles.download} data-testid="download" href={result.url} download={result.fileName}>
        Download {result.fileName}
      </a>
      <ResultActions task="style" url={result.url} fileName={result.fileName} title={`${input.name} in the style of ${payload.styleTitle}`} settings={{ style: payload.styleTitle, model: payload.modelId, tier: useStyleStore.getState().tier, strength: useStyleStore.getState().strength, backend: payload.backend }} />
    </div>
  );
}

/** Input preview, then a before/after comparison of the result (or the style morph) with its download link. */
export function StyleResultView({ input }: { input: InputFile }) {
  const result = useStyleResult();
  if (input.video) return <VideoResult input={input} />;
  if (result?.payload.kind === 'morph') return <Morph input={input} result={result} payload={result.payload} />;
  if (result?.payload.kind === 'image' && result.url) return <Photo input={input} result={result} payload={result.payload} />;
  return (
    <figure className={styles.figure}>
      <img className={styles.image} src={input.previewUrl} alt={`Your photo: ${input.name}`} />
    </figure>
  );
}
