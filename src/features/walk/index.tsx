/** The latent-walk task: two prompts become a looping GIF from SD-Turbo, rendered on this device. */
import { lazy, use } from 'react';
import { lazyModule } from '../lazy';
import type { TaskDefinition } from '../types';
import { installWalkDrop } from './drop';
import { meta } from './meta';
import type { WalkMethods } from './protocol';

// The task's state loads with its views or on first use (Run, a dropped folder), out of the entry chunk.
const state = lazyModule(() => import('./state'));

// Views load after the entry chunk (App shows them under Suspense): the first download stays small.
const WalkOptions = lazy(() => import('./Options').then((m) => ({ default: m.WalkOptions })));
const WalkResultView = lazy(() => import('./Result').then((m) => ({ default: m.WalkResultView })));

installWalkDrop(state);

export const walk: TaskDefinition<WalkMethods> = {
  meta,
  Options: WalkOptions,
  Result: WalkResultView,
  useCanRun: () => use(state()).useCanRunWalk(),
  run: async () => (await state()).runWalk(),
};
