import { describe, expect, it } from 'vitest';
import type { ModelEntry } from '../../models/registry';
import { styleMeta } from './meta';
import {
  BEST_NOT_BETTER,
  BEST_NOT_SCORED,
  BEST_OFFERED,
  BEST_UNKNOWN_STYLE,
  bestTierOffer,
  criticStyleDistances,
  judgeBestTier,
  ownQualityModels,
  qualityModel,
  styleModels,
} from './models';

const entry = (id: string, extra: Partial<ModelEntry> = {}): ModelEntry => ({
  id,
  task: 'style',
  title: id,
  embedded: true,
  licence: 'MIT',
  source: 'test',
  io: styleMeta.contract,
  variants: [{ name: 'fp32', file: `style/${id}.fp32.onnx`, bytes: 1, sha256: 'a'.repeat(64) }],
  preferred: {},
  ...extra,
});
/** A style entry whose recipe carries critic figures like critic.py --to-manifest writes them. */
const scored = (id: string, fast?: number, best?: number) =>
  entry(id, { recipe: { critic: { photo: { style: 0.5 }, thisFile: { style: fast }, ...(best === undefined ? {} : { qualityModel: { style: best } }) } } });
const quality = entry('blend-hq', { task: 'style-blend', blend: { styles: ['wins', 'loses', 'ties', 'unscored'], weightsInput: 'style_weights', tier: 'quality' } });
const styles = [scored('wins', 0.3, 0.2), scored('loses', 0.2, 0.3), scored('ties', 0.25, 0.25), scored('unscored', 0.3), scored('other', 0.3, 0.1)];

describe('Best quality gating (issue 12: it must beat Fast on the critic, or it is not offered)', () => {
  it('offers it only where the quality model\'s critic style distance is lower than the realtime file\'s', () => {
    expect(judgeBestTier('wins', quality, styles)).toEqual({ offered: true, reason: BEST_OFFERED, model: quality });
    expect(judgeBestTier('loses', quality, styles)).toEqual({ offered: false, reason: BEST_NOT_BETTER });
    // a tie is not "better"
    expect(judgeBestTier('ties', quality, styles)).toEqual({ offered: false, reason: BEST_NOT_BETTER });
  });

  it('missing figures are not a win, and a style the quality model lacks (or a custom .onnx) has no Best quality', () => {
    expect(judgeBestTier('unscored', quality, styles)).toEqual({ offered: false, reason: BEST_NOT_SCORED });
    expect(judgeBestTier('other', quality, styles)).toEqual({ offered: false, reason: BEST_UNKNOWN_STYLE });
    expect(judgeBestTier('custom', quality, styles).offered).toBe(false);
    expect(judgeBestTier('wins', undefined, styles).offered).toBe(false);
  });

  it('?tiers=all offers it for every style the quality model knows, and still not for others', () => {
    expect(judgeBestTier('loses', quality, styles, true)).toEqual({ offered: true, reason: BEST_OFFERED, model: quality });
    expect(judgeBestTier('unscored', quality, styles, true).offered).toBe(true);
    expect(judgeBestTier('other', quality, styles, true).offered).toBe(false);
  });

  it('a style\'s own quality file (<id>-hq) is the model it runs, judged on the same figures', () => {
    const own = [entry('wins-hq', { style: { artist: '', year: '', thumbnail: '', tier: 'quality' } }), entry('other-hq'), entry('loses-hq')];
    expect(judgeBestTier('wins', quality, styles, false, own)).toEqual({ offered: true, reason: BEST_OFFERED, model: own[0] });
    // a style the multi-style model does not know, with its own file that beats Fast
    expect(judgeBestTier('other', quality, styles, false, own)).toEqual({ offered: true, reason: BEST_OFFERED, model: own[1] });
    expect(judgeBestTier('other', undefined, styles, false, own).model?.id).toBe('other-hq');
    expect(judgeBestTier('loses', quality, styles, false, own)).toEqual({ offered: false, reason: BEST_NOT_BETTER });
    // no file named for the style: the multi-style model as before
    expect(judgeBestTier('ties', quality, styles, true, own).model).toBe(quality);
  });

  it('reads non-numeric or absent figures as missing', () => {
    expect(criticStyleDistances(entry('x', { recipe: { critic: { thisFile: { style: 'low' }, qualityModel: { style: Number.NaN } } } }))).toEqual({});
    expect(criticStyleDistances(undefined)).toEqual({});
  });

  it('the shipped manifest: every style the quality model knows has both figures, and the verdict follows them', () => {
    expect(qualityModel).toBeDefined();
    for (const id of qualityModel!.blend!.styles) {
      const { fast, best } = criticStyleDistances(styleModels.find((m) => m.id === id));
      expect(fast, id).toBeTypeOf('number');
      expect(best, id).toBeTypeOf('number');
      expect(bestTierOffer(id).offered, `${id}: best ${best} vs fast ${fast}`).toBe(best! < fast!);
    }
  });

  it('the shipped manifest: each own quality file belongs to a gallery style, stays out of the gallery, and is what Best quality runs there', () => {
    for (const m of ownQualityModels) {
      const id = m.id.replace(/-hq$/, '');
      expect(m.id, 'named <style id>-hq').toBe(`${id}-hq`);
      expect(styleModels.some((s) => s.id === id), `${id} is a gallery style`).toBe(true);
      expect(styleModels.includes(m)).toBe(false);
      const offer = bestTierOffer(id);
      if (offer.offered) expect(offer.model).toBe(m);
    }
  });
});
