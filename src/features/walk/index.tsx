/** The latent-walk task: two prompts become a looping GIF from SD-Turbo, rendered on this device. */
import type { TaskDefinition } from '../types';
import { meta } from './meta';
import { WalkOptions } from './Options';
import type { WalkMethods } from './protocol';
import { WalkResultView } from './Result';
import { runWalk, useCanRunWalk } from './state';

export const walk: TaskDefinition<WalkMethods> = {
  meta,
  Options: WalkOptions,
  Result: WalkResultView,
  useCanRun: useCanRunWalk,
  run: () => runWalk(),
};
