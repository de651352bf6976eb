/**
 * The tasks, in the task switcher's order. A task is one folder, src/features/<task>/, whose
 * index.tsx exports its TaskDefinition (and whose worker/index.ts its worker methods, found by
 * folder in registry.worker.ts), plus one line here.
 */
import { caption } from './caption';
import { depth } from './depth';
import { style } from './style';
import type { TaskDefinition } from './types';
import { walk } from './walk';

export const tasks = [style, depth, caption, walk] as const satisfies readonly TaskDefinition[];

export type TaskId = (typeof tasks)[number]['meta']['id'];

type MethodsOf<T> = T extends TaskDefinition<infer Methods> ? Methods : never;
type Intersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** Every task's worker methods, as one map: the protocol between the page and the task worker. */
export type TaskMethods = Intersection<MethodsOf<(typeof tasks)[number]>>;

/**
 * Tools that are not tasks (no input file, no Run): each is a header button that opens its own view.
 * Listed here so the shell reaches them through the registry, as it reaches tasks.
 */
export { CameraButton } from './camera';

export const defaultTask: TaskDefinition = tasks[0];

/** The task with `id`, or the first task for an unknown id. */
export function findTask(id: string): TaskDefinition {
  return tasks.find((t) => t.meta.id === id) ?? defaultTask;
}
