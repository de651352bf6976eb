import { useState } from 'react';
import { formatBytes } from '../../../lib/progress';
import { useAppStore } from '../../../state/store';
import { VideoView } from '../VideoView';
import styles from './style.module.css';

/** Input preview, then a before/after comparison of the result with its download link. */
export function ResultView() {
  const input = useAppStore((s) => s.input);
  const result = useAppStore((s) => s.result);
  const walk = useAppStore((s) => s.walkResult);
  const [split, setSplit] = useState(50);
  if (!input) return null;
  if (input.video) return <VideoView input={input} />;
  if (walk) {
    return (
      <div className={styles.result}>
        <figure className={styles.figure} data-testid="result" data-backend={walk.backend}>
          <img className={styles.image} src={walk.url} alt={`${input.name} walking from ${walk.title} and back`} />
          <figcaption className={styles.caption}>
            {walk.width}×{walk.height} · {walk.title} · {walk.frames} frames · {walk.backend.toUpperCase()} · {formatBytes(walk.bytes)}
          </figcaption>
        </figure>
        <a className={styles.download} data-testid="download" href={walk.url} download={walk.fileName}>
          Download {walk.fileName}
        </a>
      </div>
    );
  }
  if (!result?.url) {
    return (
      <figure className={styles.figure}>
        <img className={styles.image} src={input.previewUrl} alt={`Your photo: ${input.name}`} />
      </figure>
    );
  }
  return (
    <div className={styles.result}>
      <figure className={styles.figure} data-testid="result" data-backend={result.backend} data-variant={result.variant} data-model={result.modelId}>
        <div className={styles.compare}>
          <img className={styles.image} src={input.previewUrl} alt={`Before: ${input.name}`} />
          <img
            className={`${styles.image} ${styles.after}`}
            src={result.url}
            alt={`After: ${input.name} in the style of ${result.styleTitle}`}
            style={{ clipPath: `inset(0 0 0 ${split}%)` }}
          />
          <div className={styles.divider} style={{ left: `${split}%` }} aria-hidden="true" />
        </div>
        <figcaption className={styles.caption}>
          {result.width}×{result.height} · {result.styleTitle} · {result.backend.toUpperCase()} {result.variant} ·{' '}
          {(result.inferMillis / 1000).toFixed(1)} s{result.tiles > 1 ? ` in ${result.tiles} tiles` : ''}
        </figcaption>
      </figure>
      <label className={styles.slider}>
        <span>Before / after</span>
        <input type="range" min={0} max={100} value={split} onChange={(e) => setSplit(Number(e.target.value))} aria-valuetext={`${100 - split}% after`} />
      </label>
      <a className={styles.download} data-testid="download" href={result.url} download={result.fileName}>
        Download {result.fileName}
      </a>
    </div>
  );
}
