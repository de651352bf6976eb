import { useAppStore } from '../../state/store';
import { mixPercent, type BlendChoice } from './blend';
import { blendModel, titleOf } from './models';
import styles from './Options.module.css';
import { runMorph, updateMorph, useStyleStore } from './state';

function update(patch: Partial<BlendChoice>): void {
  useStyleStore.setState((s) => ({ blend: { ...s.blend, ...patch } }));
}

/** Photos only: mix a second built-in style into the chosen one (the blend model), from 0 to 100 %. */
export function BlendOptions() {
  const styleId = useStyleStore((s) => s.styleId);
  const blend = useStyleStore((s) => s.blend);
  const output = useStyleStore((s) => s.morph);
  const canMorph = useAppStore((s) => s.input !== null && s.job.status !== 'running');
  const known = blendModel?.blend?.styles ?? [];
  if (known.length === 0) return null;
  if (!known.includes(styleId)) {
    return (
      <fieldset className={styles.fieldset}>
        <legend>Blend</legend>
        <p className={styles.note}>Blending mixes the built-in styles; pick one of them to blend.</p>
      </fieldset>
    );
  }
  const others = known.filter((id) => id !== styleId);
  const withId = others.includes(blend.withId) ? blend.withId : '';
  const percent = mixPercent(blend.mix);
  return (
    <fieldset className={styles.fieldset}>
      <legend>Blend</legend>
      <div className={styles.blend}>
        <div className={styles.field}>
          <label htmlFor="blend-style">Second style</label>
          <select id="blend-style" data-testid="blend-style" className={styles.select} value={withId} onChange={(e) => update({ withId: e.target.value })}>
            <option value="">None</option>
            {others.map((id) => (
              <option key={id} value={id}>
                {titleOf(id)}
              </option>
            ))}
          </select>
        </div>
        <div className={styles.field}>
          <span>
            <label htmlFor="blend-mix">Mix</label> <output htmlFor="blend-mix">{withId ? `${percent}%` : '—'}</output>
          </span>
          <input
            id="blend-mix"
            data-testid="blend-mix"
            type="range"
            min={0}
            max={100}
            value={percent}
            disabled={!withId}
            aria-describedby="blend-mix-help"
            aria-valuetext={withId ? `${100 - percent}% ${titleOf(styleId)}, ${percent}% ${titleOf(withId)}` : 'no second style'}
            onChange={(e) => update({ mix: Number(e.target.value) / 100 })}
          />
        </div>
      </div>
      <p className={styles.note} id="blend-mix-help">
        {withId ? `Share of ${titleOf(withId)}; 0% is ${titleOf(styleId)} alone. Applies on the next run.` : 'Pick a second style to mix in.'}
      </p>
      <fieldset className={styles.fieldset}>
        <legend>Style morph</legend>
        <div role="radiogroup" aria-label="Style morph output">
          {(['gif', 'mp4'] as const).map((format) => (
            <label key={format} className={styles.field}>
              <span>
                <input type="radio" name="morph-format" data-testid={`morph-format-${format}`} checked={output.format === format} onChange={() => updateMorph({ format })} />{' '}
                {format === 'gif' ? 'GIF (one palette, no flicker)' : 'MP4 video'}
              </span>
            </label>
          ))}
        </div>
        <label className={styles.field}>
          <span>
            <input type="checkbox" data-testid="morph-ping-pong" checked={output.pingPong} onChange={(e) => updateMorph({ pingPong: e.target.checked })} /> Ping-pong loop (there and back)
          </span>
        </label>
        <button type="button" className={styles.morph} data-testid="blend-morph" disabled={!withId || !canMorph} aria-describedby="style-morph-help" onClick={() => void runMorph()}>
          Make a style morph {output.format.toUpperCase()}
        </button>
        <p className={styles.note} id="style-morph-help">
          The photo (up to 512 px) morphing from 0% to 100% of the second style{output.pingPong ? ' and back' : ''}, as {output.format === 'gif' ? 'an animated GIF' : 'an MP4 video'}.
        </p>
      </fieldset>
    </fieldset>
  );
}
