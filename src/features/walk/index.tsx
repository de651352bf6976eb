/** The latent-walk task: two prompts become a looping GIF from SD-Turbo, rendered on this device. */
import { lazy } from 'react';
import type { TaskDefinition } from '../types';
import { installWalkDrop } from './drop';
import { meta } from './meta';
import type { WalkMethods } from './protocol';
import { runWalk, useCanRunWalk } from './state';

// Views load after the entry chunk (App shows them under Suspense): the first download stays small.
const WalkOptions = lazy(() => import('./Options').then((m) => ({ default: m.WalkOptions })));
const WalkResultView = lazy(() => import('./Result').then((m) => ({ default: m.WalkResultView })));

installWalkDrop();

export const walk: TaskDefinition<WalkMethods> = {
  meta,
  Options: WalkOptions,
  Result: WalkResultView,
  useCanRun: useCanRunWalk,
  run: () => runWalk(),
};
