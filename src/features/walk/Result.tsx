/** The walk: the latest frame while it renders, then the looping GIF with its facts and download. */
import { formatBytes, formatDuration } from '../../lib/progress';
import { useAppStore } from '../../state/store';
import { useWalkResult, useWalkStore } from './state';
import styles from './Walk.module.css';
import { ResultActions } from '../../app/components/ResultActions';

export function WalkResultView() {
  const result = useWalkResult();
  const preview = useWalkStore((s) => s.preview);
  const running = useAppStore((s) => s.job.status === 'running');
  if (running || !result) {
    if (!preview) return <p className={styles.note}>Each frame shows here as soon as it is ready.</p>;
    const left = preview.remainingMs !== null && preview.index + 1 < preview.total ? ` · about ${formatDuration(preview.remainingMs / 1000)} left` : '';
    return (
      <figure className={styles.figure} data-testid="walk-preview" data-frame={preview.index + 1}>
        <img className={styles.image} src={preview.url} alt={`Frame ${preview.index + 1} of ${preview.total} of the walk`} />
        <figcaption className={styles.caption}>
          Frame {preview.index + 1} of {preview.total}
          {left}
        </figcaption>
      </figure>
    );
  }
  const p = result.payload;
  return (
    <figure className={styles.figure} data-testid="result" data-frames={p.frames} data-played={p.played} data-backend={p.backend} data-variant={p.variant}>
      {p.settings.format === 'mp4' ? (
        <video className={styles.image} src={result.url} controls loop muted playsInline aria-label={`A walk from “${p.settings.promptA}” to “${p.settings.promptB}”, ${p.played} frames`} />
      ) : (
        <img className={styles.image} src={result.url} alt={`A looping walk from “${p.settings.promptA}” to “${p.settings.promptB}”, ${p.played} frames`} />
      )}
      <figcaption className={styles.caption}>
        {p.settings.format === 'mp4' ? `MP4 (${p.codec}) · ` : 'GIF · '}
        {p.frames} frames{p.settings.pingPong ? ` (ping-pong: ${p.played} in the loop)` : ''} · {p.width}×{p.height} · {formatBytes(p.bytes)} · {(p.msPerFrame / 1000).toFixed(2)} s per frame on{' '}
        {p.backend === 'webgpu' ? 'WebGPU' : 'WASM'} · {p.modelTitle} ({p.variant})
      </figcaption>
      <a className={styles.button} data-testid="download" href={result.url} download={result.fileName}>
        Download {p.settings.format === 'mp4' ? 'MP4' : 'GIF'}
      </a>
      <ResultActions
        task="walk"
        url={result.url}
        fileName={result.fileName}
        title={`A walk from “${p.settings.promptA}” to “${p.settings.promptB}”`}
        settings={{ promptA: p.settings.promptA, promptB: p.settings.promptB, frames: p.frames, pingPong: p.settings.pingPong, seed: p.settings.seed, ...(p.settings.seedWalk ? { seedB: p.settings.seedB } : {}), format: p.settings.format, model: p.modelTitle }}
      />
    </figure>
  );
}
