/**
 * The contract every task implements (src/features/<task>/index.tsx), and the registry
 * (src/features/registry.ts) lists. App, the task switcher, the job bar and the worker protocol are
 * built from it; no shared layer knows a task.
 */
import type { ComponentType } from 'react';
import type { InputFile } from '../state/store';

/** What a task takes: a photo, a video, a model file (.onnx), typed text (prompts). */
export type InputKind = 'image' | 'video' | 'onnx' | 'text';
/** What it makes. */
export type OutputKind = 'image' | 'video' | 'gif' | 'text';

export interface TaskMeta {
  /** Stable id: `data-testid="task-<id>"`, the result's `task`, the worker registry's key. */
  id: string;
  /** Task switcher label: "Style transfer". */
  label: string;
  /** One sentence under the title while the task is chosen. */
  description: string;
  inputs: readonly InputKind[];
  outputs: readonly OutputKind[];
  /** The run button: "Stylise". */
  runLabel: string;
  /** Progress text while the model runs: "Stylising: tile 2 of 6". */
  progressLabel: string;
}

export interface TaskDefinition<Methods = object> {
  meta: TaskMeta;
  /** The settings panel. */
  Options: ComponentType;
  /** The loaded input and, once a job ran, its result (the shared store's `result` whose `task` is this id). */
  Result: ComponentType<{ input: InputFile }>;
  /** Whether Run can start now (a hook: called while rendering). */
  useCanRun(): boolean;
  run(input: InputFile): Promise<void>;
  /** A dropped .onnx while this task is chosen; tasks without one refuse model files. */
  openModel?(file: File): Promise<void>;
  /**
   * Type only: the worker methods this task's `worker/index.ts` serves, so the protocol types are
   * built from the registry. Never set at run time.
   */
  readonly methods?: Methods;
}
