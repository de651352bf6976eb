/** The depth task: depth maps of photos and videos from a catalogue model (Depth Anything V2 by default), and the 3D photo. */
import { lazy, use } from 'react';
import { lazyModule } from '../lazy';
import type { TaskDefinition } from '../types';
import { meta } from './meta';
import type { DepthMethods } from './protocol';

// The task's state loads with its views or on first use, out of the entry chunk.
const state = lazyModule(() => import('./state'));

// Views load after the entry chunk (App shows them under Suspense): the first download stays small.
const DepthOptions = lazy(() => import('./Options').then((m) => ({ default: m.DepthOptions })));
const DepthResultView = lazy(() => import('./Result').then((m) => ({ default: m.DepthResultView })));

export const depth: TaskDefinition<DepthMethods> = {
  meta,
  Options: DepthOptions,
  Result: DepthResultView,
  useCanRun: () => use(state()).useCanRunDepth(),
  run: async (input) => (await state()).runDepth(input),
  // A depth model file of the user's own (.onnx), dropped or picked: used where the deployment lists none, or instead.
  openModel: async (file) => (await state()).openDepthModel(file),
};
