import { useAppStore } from '../../state/store';
import { mixPercent, type BlendChoice } from './blend';
import { blendModel, titleOf } from './models';
import styles from './Options.module.css';
import { runMorph, useStyleStore } from './state';

function update(patch: Partial<BlendChoice>): void {
  useStyleStore.setState((s) => ({ blend: { ...s.blend, ...patch } }));
}

/** Photos only: mix a second built-in style into the chosen one (the blend model), from 0 to 100 %. */
export function BlendOptions() {
  const styleId = useStyleStore((s) => s.styleId);
  const blend = useStyleStore((s) => s.blend);
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
      <button type="button" className={styles.morph} data-testid="blend-morph" disabled={!withId || !canMorph} aria-describedby="style-morph-help" onClick={() => void runMorph()}>
        Make a style morph GIF
      </button>
      <p className={styles.note} id="style-morph-help">
        An animated GIF of the photo morphing from 0% to 100% of the second style and back (up to 512 px).
      </p>
    </fieldset>
  );
}
