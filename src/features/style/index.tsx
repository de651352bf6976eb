/** The style task: paintings from the manifest (or the user's own .onnx) applied to photos and videos. */
import { lazy } from 'react';
import { useAppStore } from '../../state/store';
import type { TaskDefinition } from '../types';
import { meta } from './meta';
import type { StyleMethods } from './protocol';
import { openStyleModel, runStyle, useStyleStore } from './state';

// The views load after the entry chunk (App shows them under Suspense), which keeps the first
// download small however many tasks the registry lists.
const StyleOptions = lazy(() => import('./Options').then((m) => ({ default: m.StyleOptions })));
const StyleResultView = lazy(() => import('./Result').then((m) => ({ default: m.StyleResultView })));

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
