/** The style task: paintings from the manifest (or the user's own .onnx) applied to photos and videos. */
import { useAppStore } from '../../state/store';
import type { TaskDefinition } from '../types';
import { meta } from './meta';
import { StyleOptions } from './Options';
import type { StyleMethods } from './protocol';
import { StyleResultView } from './Result';
import { openStyleModel, runStyle, useStyleStore } from './state';

export const style: TaskDefinition<StyleMethods> = {
  meta,
  Options: StyleOptions,
  Result: StyleResultView,
  useCanRun: () => {
    const hasInput = useAppStore((s) => s.input !== null);
    const hasStyle = useStyleStore((s) => s.styleId !== '');
    return hasInput && hasStyle;
  },
  run: runStyle,
  openModel: openStyleModel,
};
