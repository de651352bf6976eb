import { useRef, useState, type RefObject, type SyntheticEvent } from 'react';
import { formatBytes } from '../../lib/progress';
import type { DecoderPath } from '../../media/frames';
import { isJobRunning } from '../../state/jobs';
import { useAppStore, type InputFile } from '../../state/store';
import { startLivePreview, useStyleResult, useStyleStore, type StyleResult, type VideoPayload } from './state';
import styles from './VideoResult.module.css';
import { PartialNote } from '../../app/components/PartialNote';
import { ResultActions } from '../../app/components/ResultActions';

const DECODED_WITH: Record<DecoderPath, string> = { webcodecs: 'WebCodecs', ffmpeg: 'ffmpeg.wasm' };
const CODEC_LABEL: Record<string, string> = { avc: 'H.264', vp9: 'VP9', vp8: 'VP8', av1: 'AV1', gif: 'GIF' };

/** The source video; formats the browser cannot play (AVI, HEVC...) still process, through ffmpeg.wasm. */
function SourceVideo({ input, label, videoRef }: { input: InputFile; label: string; videoRef?: RefObject<HTMLVideoElement | null> }) {
  const [playable, setPlayable] = useState(true);
  if (!playable) return <p className={styles.note}>This browser cannot play {input.name} itself; it is decoded with ffmpeg.wasm.</p>;
  return <video ref={videoRef} className={styles.video} src={input.previewUrl} controls muted playsInline aria-label={label} onError={() => setPlayable(false)} />;
}

function LivePreview() {
  const live = useStyleStore((s) => s.live);
  const running = useAppStore((s) => s.job.status === 'running');
  const holder = useRef<HTMLDivElement>(null);
  const start = () => {
    if (!holder.current || isJobRunning()) return;
    // A canvas can be handed to a worker only once, so each preview paints on a fresh one.
    const canvas = document.createElement('canvas');
    canvas.className = styles.video;
    canvas.setAttribute('aria-label', 'Live preview');
    holder.current.replaceChildren(canvas);
    void startLivePreview(canvas);
  };
  return (
    <div className={styles.live}>
      <button type="button" data-testid="live-preview" className={styles.button} disabled={running} onClick={start}>
        Live preview (first seconds, realtime style)
      </button>
      <div ref={holder} />
      {live.status !== 'idle' && (
        <p className={styles.note} data-testid="live-fps" aria-live="polite">
          {live.styleTitle}: {live.frames} of {live.total} frames stylised in real time
          {live.status === 'done' ? `, ${live.framesPerSecond.toFixed(1)} fps (finished)` : ''}
        </p>
      )}
    </div>
  );
}

/** Plays, pauses and seeks the source along with the result, so before and after show the same moment. */
function follow(before: HTMLVideoElement | null, after: HTMLVideoElement, sourceStart: number): void {
  if (!before) return;
  before.currentTime = sourceStart + after.currentTime;
  if (after.paused) before.pause();
  else void before.play().catch(() => undefined);
}

function Result({ input, result: { url, fileName, payload: result } }: { input: InputFile; result: StyleResult & { payload: VideoPayload } }) {
  const audio = result.format === 'gif' ? '' : result.hasAudio ? ' + audio' : ', no audio';
  const before = useRef<HTMLVideoElement>(null);
  const sync = (e: SyntheticEvent<HTMLVideoElement>) => follow(before.current, e.currentTarget, result.sourceStart);
  return (
    <div className={styles.result}>
      <figure className={styles.figure} data-testid="result" data-decoder={result.decoder} data-backend={result.backend} data-format={result.format} data-frames-on-gpu={result.framesOnGpu}>
        <div className={styles.compare}>
          <div>
            <span className={styles.label}>Before</span>
            <SourceVideo input={input} label={`Before: ${input.name}`} videoRef={before} />
          </div>
          <div>
            <span className={styles.label}>After</span>
            {result.format === 'gif' ? (
              <img className={styles.video} src={url} alt={`After: ${input.name} in the style of ${result.styleTitle}`} />
            ) : (
              <video
                className={styles.video}
                src={url}
                controls
                loop
                playsInline
                aria-label={`After: ${input.name} in the style of ${result.styleTitle}`}
                onPlay={sync}
                onPause={sync}
                onSeeked={sync}
              />
            )}
          </div>
        </div>
        <figcaption className={styles.caption}>
          Decoded with {DECODED_WITH[result.decoder]}{result.framesOnGpu ? ', frames prepared on the GPU' : ''} · {result.frames} frames, {result.seconds.toFixed(2)} s · {result.width}×{result.height} ·{' '}
          {CODEC_LABEL[result.codec] ?? result.codec}
          {audio} · {result.styleTitle} on {result.backend.toUpperCase()} at {result.framesPerSecond.toFixed(1)} fps · {formatBytes(result.bytes)}
        </figcaption>
      </figure>
      <PartialNote text={result.warning} />
      <a className={styles.download} data-testid="download" href={url} download={fileName}>
        Download {fileName}
      </a>
      <ResultActions task="style" url={url} fileName={fileName} title={`${input.name} in the style of ${result.styleTitle}`} settings={{ style: result.styleTitle, format: result.format, frames: result.frames, width: result.width, height: result.height, strength: useStyleStore.getState().strength }} />
    </div>
  );
}

/** A loaded video: its preview and live preview, then the before/after result with its download. */
export function VideoResult({ input }: { input: InputFile }) {
  const result = useStyleResult();
  if (!input.video) return null;
  if (result?.payload.kind === 'video') return <Result input={input} result={{ ...result, payload: result.payload }} />;
  return (
    <div className={styles.result}>
      <figure className={styles.figure}>
        <SourceVideo input={input} label={`Your video: ${input.name}`} />
        <figcaption className={styles.caption} data-testid="video-info" data-decoder={input.video.decoder}>
          {input.name}: {input.video.width}×{input.video.height}, {input.video.duration.toFixed(1)} s; will be decoded with {DECODED_WITH[input.video.decoder]}
          {input.video.note ? `; ${input.video.note}` : ''}
        </figcaption>
      </figure>
      <LivePreview />
    </div>
  );
}
