/** The caption task: ViT-GPT2 captions for one photo or a folder of them, made on this device. */
import { lazy } from 'react';
import type { TaskDefinition } from '../types';
import { installCaptionApi } from './api';
import { installCaptionDrop } from './drop';
import { meta } from './meta';
import type { CaptionMethods } from './protocol';
import { runCaptions, useCaptionStore } from './state';

// Views load after the entry chunk (App shows them under Suspense): the first download stays small.
const CaptionOptions = lazy(() => import('./Options').then((m) => ({ default: m.CaptionOptions })));
const CaptionResultView = lazy(() => import('./Result').then((m) => ({ default: m.CaptionResultView })));

// The programmatic surface (window.clipmorph.caption, postMessage): see ./README.md.
installCaptionApi();
// Many photos or whole folders dropped on the page join the batch.
installCaptionDrop();

export const caption: TaskDefinition<CaptionMethods> = {
  meta,
  Options: CaptionOptions,
  Result: CaptionResultView,
  useCanRun: () => useCaptionStore((s) => s.photos.length > 0 && s.modelId !== ''),
  run: runCaptions,
};
