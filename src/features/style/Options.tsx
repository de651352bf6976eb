import type { KeyboardEvent } from 'react';
import { FormatPicker, IMAGE_FORMATS, VIDEO_FORMATS } from '../../app/components/FormatPicker';
import { appRoot } from '../../state/jobs';
import { useAppStore } from '../../state/store';
import { BlendOptions } from './BlendOptions';
import { styleMeta } from './meta';
import { bestTierOffer, ownQualityModels, qualityModel, styleModels } from './models';
import styles from './Options.module.css';
import { setFormat, setStrength, updateVideo, useStyleStore } from './state';
import { VideoOptions } from './VideoOptions';

const RESOLUTION_LABEL = (side: number) => (side === 0 ? 'Original' : `${side} px`);

/** Arrow keys move between styles, as in any radio group. */
function onGalleryKey(event: KeyboardEvent<HTMLDivElement>, ids: string[], current: string): void {
  const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
  if (!step) return;
  event.preventDefault();
  const next = ids[(ids.indexOf(current) + step + ids.length) % ids.length];
  useStyleStore.setState({ styleId: next });
  event.currentTarget.querySelector<HTMLElement>(`[data-id="${next}"]`)?.focus();
}

/** Photos only: the realtime style files ("Fast") or the quality tier ("Best quality"): a style's own quality file, else the quality multi-style model. */
function TierOptions({ styleId }: { styleId: string }) {
  const tier = useStyleStore((s) => s.tier);
  if (!qualityModel && ownQualityModels.length === 0) return null;
  // Offered only where the critic says it beats Fast (issue 12); the note says why when it is not.
  const offer = bestTierOffer(styleId);
  const available = offer.offered;
  const choices = [
    { value: 'fast', label: 'Fast' },
    { value: 'best', label: 'Best quality' },
  ] as const;
  return (
    <fieldset className={styles.fieldset}>
      <legend>Model</legend>
      <div className={styles.row}>
        {choices.map((c) => (
          <label key={c.value} className={styles.radio}>
            <input
              type="radio"
              name="tier"
              value={c.value}
              data-testid={`tier-${c.value}`}
              checked={(available ? tier : 'fast') === c.value}
              disabled={c.value === 'best' && !available}
              aria-describedby="tier-help"
              onChange={() => useStyleStore.setState({ tier: c.value })}
            />
            {c.label}
          </label>
        ))}
      </div>
      <p className={styles.note} id="tier-help">
        {offer.reason}
      </p>
    </fieldset>
  );
}

export function StyleOptions() {
  const styleId = useStyleStore((s) => s.styleId);
  const custom = useStyleStore((s) => s.customModel);
  const strength = useStyleStore((s) => s.strength);
  const maxSide = useStyleStore((s) => s.maxSide);
  const format = useStyleStore((s) => s.format);
  const videoFormat = useStyleStore((s) => s.video.format);
  const isVideo = useAppStore((s) => s.input?.video != null);
  const entries = [
    ...styleModels.map((m) => ({ id: m.id, title: m.title, artist: m.style?.artist ?? '', thumb: m.style ? new URL(`models/${m.style.thumbnail}`, appRoot()).href : '' })),
    ...(custom ? [{ id: 'custom', title: custom.name, artist: 'Your model', thumb: '' }] : []),
  ];
  const ids = entries.map((e) => e.id);
  return (
    <>
      <div>
        <h2 className={styles.heading} id="style-heading">Style</h2>
        <div className={styles.gallery} role="radiogroup" aria-labelledby="style-heading" onKeyDown={(e) => onGalleryKey(e, ids, styleId)}>
          {entries.map((e) => (
            <button
              key={e.id}
              type="button"
              role="radio"
              aria-checked={e.id === styleId}
              tabIndex={e.id === styleId ? 0 : -1}
              data-id={e.id}
              data-testid={`style-${e.id}`}
              className={styles.style}
              onClick={() => useStyleStore.setState({ styleId: e.id })}
            >
              {e.thumb ? <img src={e.thumb} alt="" className={styles.thumb} loading="lazy" /> : <span className={styles.thumb} aria-hidden="true">ONNX</span>}
              <span className={styles.name}>{e.title}</span>
              <span className={styles.artist}>{e.artist}</span>
            </button>
          ))}
        </div>
        <p className={styles.note}>Or drop your own style model (.onnx) on the page.</p>
      </div>
      {!isVideo && <TierOptions styleId={styleId} />}
      {!isVideo && <BlendOptions />}
      <div className={styles.field}>
        <span>
          <label htmlFor="strength">Strength</label> <output htmlFor="strength">{Math.round(strength * 100)}%</output>
        </span>
        <input
          id="strength"
          type="range"
          min={0}
          max={100}
          value={Math.round(strength * 100)}
          aria-valuetext={`${Math.round(strength * 100)}% stylised`}
          onChange={(e) => setStrength(Number(e.target.value) / 100)}
        />
      </div>
      {isVideo ? <VideoOptions /> : <fieldset className={styles.fieldset}>
        <legend>Processing size (long side)</legend>
        <div className={styles.row}>
          {styleMeta.resolutions.map((side) => (
            <label key={side} className={styles.radio}>
              <input type="radio" name="resolution" value={side} checked={maxSide === side} onChange={() => useStyleStore.setState({ maxSide: side })} />
              {RESOLUTION_LABEL(side)}
            </label>
          ))}
        </div>
      </fieldset>}
      {isVideo ? (
        <FormatPicker choices={VIDEO_FORMATS} current={videoFormat} onPick={(f) => updateVideo({ format: f })} />
      ) : (
        <FormatPicker choices={IMAGE_FORMATS} current={format} onPick={setFormat} />
      )}
    </>
  );
}
