import { useEffect } from 'react';
import type { GifDither } from '../../media/encode/gif';
import { formatBytes } from '../../lib/progress';
import { fitHeight } from '../../lib/pixels';
import { clampTrim, estimateGifBytes, gifFrameCount, WHOLE_VIDEO } from '../../lib/timeline';
import { useAppStore } from '../../state/store';
import { styleMeta } from './meta';
import { bestTierOffer } from './models';
import styles from './Options.module.css';
import { updateVideo as update, useStyleStore } from './state';
import { bestVideoPlan, requestEstimate, useVideoEstimate } from './videoEstimate';

/**
 * Opt-in "Best quality" for a video: the quality-tier model on every frame, several times slower
 * than Fast, so the job's time is measured on the first frame and shown before Run.
 */
function BestQualityOption() {
  const input = useAppStore((s) => s.input);
  const styleId = useStyleStore((s) => s.styleId);
  const video = useStyleStore((s) => s.video);
  const estimate = useVideoEstimate();
  const offer = bestTierOffer(styleId);
  const available = bestVideoPlan(styleId) !== null;
  const chosen = video.best && available;
  const { start, end } = video.trim;
  useEffect(() => {
    if (chosen && input?.video) requestEstimate(input, styleId, video.height, { start, end }, video.steady);
  }, [chosen, input, styleId, video.height, start, end, video.steady]);
  return (
    <fieldset className={styles.fieldset}>
      <legend>Quality</legend>
      <div className={styles.row}>
        <label className={styles.radio}>
          <input
            type="checkbox"
            data-testid="video-best"
            checked={chosen}
            disabled={!available}
            aria-describedby="video-best-help"
            onChange={(e) => update({ best: e.target.checked })}
          />
          Best quality (much slower)
        </label>
      </div>
      <p className={styles.note} id="video-best-help" data-testid="video-estimate" data-status={chosen ? estimate.status : 'idle'} aria-live="polite">
        {!available
          ? offer.reason
          : !chosen
            ? 'Runs the larger network on every frame: finer strokes, several times slower than Fast. The time it takes is measured on the first frame before you start.'
            : estimate.status === 'done' || estimate.status === 'failed'
              ? estimate.text
              : 'Timing the first frame…'}
      </p>
    </fieldset>
  );
}

const HEIGHT_LABEL = (height: number) => (height === 0 ? 'Original' : `${height}p`);
const FPS_LABEL = (fps: number) => (fps === 0 ? 'Source' : `${fps} fps`);
const WIDTH_LABEL = (width: number) => (width === 0 ? 'Same as video' : `${width} px`);
/** Ordered patterns fixed in screen space: a still area keeps its indices frame to frame (no crawl). */
const DITHERS: [GifDither, string][] = [
  ['none', 'No dithering'],
  ['bayer', 'Ordered dither'],
  ['blue-noise', 'Blue-noise dither'],
];

/** Seconds from a number field; empty means "from the start" / "to the end". */
function secondsOf(value: string, fallback: number): number {
  const seconds = Number(value);
  return value.trim() === '' || !Number.isFinite(seconds) ? fallback : seconds;
}

/** Controls that only make sense for a video: processing height, trim, and the GIF's rate and width. */
export function VideoOptions() {
  const info = useAppStore((s) => s.input?.video ?? null);
  const video = useStyleStore((s) => s.video);
  if (!info) return null;
  const clamped = clampTrim(video.trim.start, video.trim.end, info.duration);
  const trim = { start: clamped.start, end: Math.min(clamped.end, info.duration) };
  const setTrim = (start: number, end: number) => update({ trim: start <= 0 && end >= info.duration ? WHOLE_VIDEO : { start, end } });

  // Estimate only: the source frame rate is known exactly once decoding runs; 25 fps is the common case.
  const size = fitHeight(info.width, info.height, video.height, 4);
  const gifWidth = video.gif.width > 0 && video.gif.width < size.width ? video.gif.width : size.width;
  const gifHeight = Math.round((size.height * gifWidth) / size.width);
  const seconds = trim.end - trim.start;
  const gifBytes = estimateGifBytes(gifWidth, gifHeight, gifFrameCount(Math.ceil(seconds * 25), seconds, video.gif.fps));

  return (
    <>
      <BestQualityOption />
      <fieldset className={styles.fieldset}>
        <legend>Flicker</legend>
        <div className={styles.row}>
          <label className={styles.radio}>
            <input type="checkbox" data-testid="video-steady" checked={video.steady} aria-describedby="video-steady-help" onChange={(e) => update({ steady: e.target.checked })} />
            Steady strokes
          </label>
        </div>
        <p className={styles.note} id="video-steady-help">
          The strokes stay put from frame to frame instead of flickering, and travel with the picture when the camera pans; whatever moves on its own is painted fresh on every frame.
        </p>
      </fieldset>
      <fieldset className={styles.fieldset}>
        <legend>Processing size (height)</legend>
        <div className={styles.row}>
          {styleMeta.video.heights.map((height) => (
            <label key={height} className={styles.radio}>
              <input type="radio" name="video-height" value={height} checked={video.height === height} onChange={() => update({ height })} />
              {HEIGHT_LABEL(height)}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset className={styles.fieldset}>
        <legend>Trim (seconds, of {info.duration.toFixed(1)})</legend>
        <div className={styles.row}>
          <label className={styles.radio}>
            Start
            <input type="number" data-testid="trim-start" min={0} max={info.duration} step={0.1} value={trim.start}
              onChange={(e) => setTrim(secondsOf(e.target.value, 0), trim.end)} />
          </label>
          <label className={styles.radio}>
            End
            <input type="number" data-testid="trim-end" min={0} max={info.duration} step={0.1} value={Number(trim.end.toFixed(3))}
              onChange={(e) => setTrim(trim.start, secondsOf(e.target.value, info.duration))} />
          </label>
        </div>
      </fieldset>
      {video.format === 'gif' && (
        <fieldset className={styles.fieldset}>
          <legend>GIF</legend>
          <div className={styles.row}>
            {styleMeta.video.gifFps.map((fps) => (
              <label key={fps} className={styles.radio}>
                <input type="radio" name="gif-fps" checked={video.gif.fps === fps} onChange={() => update({ gif: { ...video.gif, fps } })} />
                {FPS_LABEL(fps)}
              </label>
            ))}
          </div>
          <div className={styles.row}>
            {styleMeta.video.gifWidths.map((width) => (
              <label key={width} className={styles.radio}>
                <input type="radio" name="gif-width" checked={video.gif.width === width} onChange={() => update({ gif: { ...video.gif, width } })} />
                {WIDTH_LABEL(width)}
              </label>
            ))}
          </div>
          <div className={styles.row} role="radiogroup" aria-label="Dithering">
            {DITHERS.map(([dither, label]) => (
              <label key={dither} className={styles.radio}>
                <input type="radio" name="gif-dither" data-testid={`gif-dither-${dither}`} checked={(video.gif.dither ?? 'none') === dither}
                  onChange={() => update({ gif: { ...video.gif, dither } })} />
                {label}
              </label>
            ))}
          </div>
          <p className={styles.note} data-testid="gif-estimate">
            About {formatBytes(gifBytes)} ({gifWidth}×{gifHeight}).
          </p>
        </fieldset>
      )}
    </>
  );
}
