/** The depth task: depth maps of photos and videos from a catalogue model (Depth Anything V2 by default), and the 3D photo. */
import { lazy } from 'react';
import { useAppStore } from '../../state/store';
import type { TaskDefinition } from '../types';
import { meta } from './meta';
import type { DepthMethods } from './protocol';
import { chosenModel, openDepthModel, runDepth, useDepthStore } from './state';

// Views load after the entry chunk (App shows them under Suspense): the first download stays small.
const DepthOptions = lazy(() => import('./Options').then((m) => ({ default: m.DepthOptions })));
const DepthResultView = lazy(() => import('./Result').then((m) => ({ default: m.DepthResultView })));

export const depth: TaskDefinition<DepthMethods> = {
  meta,
  Options: DepthOptions,
  Result: DepthResultView,
  useCanRun: () => {
    const hasInput = useAppStore((s) => s.input !== null);
    const hasModel = useDepthStore((s) => chosenModel(s) !== undefined);
    return hasInput && hasModel;
  },
  run: runDepth,
  // A depth model file of the user's own (.onnx), dropped or picked: used where the deployment lists none, or instead.
  openModel: openDepthModel,
};
