/** The caption task: ViT-GPT2 captions for one photo or a folder of them, made on this device. */
import { lazy, use } from 'react';
import { lazyModule } from '../lazy';
import type { TaskDefinition } from '../types';
import { installCaptionApi } from './api';
import { installCaptionDrop } from './drop';
import { meta } from './meta';
import type { CaptionMethods } from './protocol';

// The task's state loads with its views or on first use (Run, a drop, the API), out of the entry chunk.
const state = lazyModule(() => import('./state'));

// Views load after the entry chunk (App shows them under Suspense): the first download stays small.
const CaptionOptions = lazy(() => import('./Options').then((m) => ({ default: m.CaptionOptions })));
const CaptionResultView = lazy(() => import('./Result').then((m) => ({ default: m.CaptionResultView })));

// The programmatic surface (window.clipmorph.caption, postMessage): see ./README.md.
installCaptionApi(state);
// Many photos or whole folders dropped on the page join the batch.
installCaptionDrop(state);

export const caption: TaskDefinition<CaptionMethods> = {
  meta,
  Options: CaptionOptions,
  Result: CaptionResultView,
  useCanRun: () => use(state()).useCanRunCaptions(),
  run: async (input) => (await state()).runCaptions(input),
};
