/** The depth task: depth maps of photos and videos from a catalogue model (Depth Anything V2 by default), and the 3D photo. */
import { useAppStore } from '../../state/store';
import type { TaskDefinition } from '../types';
import { meta } from './meta';
import { DepthOptions } from './Options';
import type { DepthMethods } from './protocol';
import { DepthResultView } from './Result';
import { runDepth, useDepthStore } from './state';

export const depth: TaskDefinition<DepthMethods> = {
  meta,
  Options: DepthOptions,
  Result: DepthResultView,
  useCanRun: () => {
    const hasInput = useAppStore((s) => s.input !== null);
    const hasModel = useDepthStore((s) => s.models?.some((m) => m.id === s.modelId) ?? false);
    return hasInput && hasModel;
  },
  run: runDepth,
};
