/**
 * Worker side of the task registry: every feature's `worker/index.ts` exports `worker`, its task id
 * and its methods. They are found by folder (the UI registry, registry.ts, cannot be imported here:
 * it holds React components), and registry.test.ts checks the two list the same tasks.
 */
import { joinMethods, type MethodTable } from '../workers/loop';

export interface TaskWorker {
  task: string;
  methods: MethodTable;
}

const modules = import.meta.glob<TaskWorker>('./*/worker/index.ts', { eager: true, import: 'worker' });

export const taskWorkers: TaskWorker[] = Object.values(modules);

export const taskMethods: MethodTable = joinMethods(...taskWorkers.map((w) => w.methods));
