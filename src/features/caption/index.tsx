/** The caption task: ViT-GPT2 captions for one photo or a folder of them, made on this device. */
import type { TaskDefinition } from '../types';
import { installCaptionApi } from './api';
import { installCaptionDrop } from './drop';
import { meta } from './meta';
import { CaptionOptions } from './Options';
import type { CaptionMethods } from './protocol';
import { CaptionResultView } from './Result';
import { runCaptions, useCaptionStore } from './state';

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
