/**
 * A queue that runs one item at a time (one photo decoded at a time, so memory stays bounded),
 * isolates failures (a failed item is recorded with its reason and the rest carry on) and stops
 * at once on cancel (the item under way and all those after it are marked cancelled). Pure: the
 * work and the clock are passed in, so tests need no browser.
 */
import { isCancelled } from './errors';

export type ItemStatus = 'waiting' | 'running' | 'done' | 'failed' | 'cancelled';

export interface QueueItem<Result> {
  status: ItemStatus;
  /** Why it failed, in words a person can act on. */
  error?: string;
  result?: Result;
}

export interface QueueOptions<Result> {
  signal: AbortSignal;
  /** Called each time an item changes status, with its index and new state. */
  onItem(index: number, item: QueueItem<Result>): void;
  /** The reason shown for a failure; defaults to the error's message. */
  describe?(error: unknown): string;
}

export interface QueueSummary {
  done: number;
  failed: number;
  cancelled: number;
}

function messageOf(error: unknown): string {
  return error instanceof Error && error.message ? error.message : String(error);
}

/** Runs `work` on each input in order, never two at a time. */
export async function runQueue<Input, Result>(
  inputs: readonly Input[],
  work: (input: Input, index: number, signal: AbortSignal) => Promise<Result>,
  options: QueueOptions<Result>,
): Promise<QueueSummary> {
  const { signal, onItem, describe = messageOf } = options;
  const summary: QueueSummary = { done: 0, failed: 0, cancelled: 0 };
  for (let index = 0; index < inputs.length; index++) {
    if (signal.aborted) {
      summary.cancelled++;
      onItem(index, { status: 'cancelled' });
      continue;
    }
    onItem(index, { status: 'running' });
    try {
      const result = await work(inputs[index], index, signal);
      if (signal.aborted) throw signal.reason ?? new Error('cancelled');
      summary.done++;
      onItem(index, { status: 'done', result });
    } catch (error) {
      if (signal.aborted || isCancelled(error)) {
        summary.cancelled++;
        onItem(index, { status: 'cancelled' });
      } else {
        summary.failed++;
        onItem(index, { status: 'failed', error: describe(error) });
      }
    }
  }
  return summary;
}

/**
 * `name`, or `name` with "-2", "-3"… before its extension when `taken` already holds it
 * (case-insensitively: ZIP tools on Windows and macOS treat "A.png" and "a.png" as one file).
 * Adds the chosen name to `taken`.
 */
export function uniqueName(name: string, taken: Set<string>): string {
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const extension = dot > 0 ? name.slice(dot) : '';
  let candidate = name;
  for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${stem}-${n}${extension}`;
  taken.add(candidate.toLowerCase());
  return candidate;
}
