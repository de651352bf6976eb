/**
 * Nothing lost on a reload (or a crash, or a closed tab): the loaded input is kept in IndexedDB
 * (the file's bytes, written in one transaction, so a write cut short leaves the previous input or
 * none, never half a file) and settings in localStorage. Both are restored when the app starts.
 * Everything stays on this device, like the rest of the app.
 */
import type { StoreApi } from 'zustand';
import { useAppStore } from './store';

const SETTINGS_KEY = 'clipmorph-settings';

type Settings = Record<string, unknown>;

function readAll(): Record<string, Settings> {
  try {
    const text = localStorage.getItem(SETTINGS_KEY);
    const parsed: unknown = text ? JSON.parse(text) : null;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, Settings>) : {};
  } catch {
    return {};
  }
}

function writeOne(key: string, value: Settings): void {
  try {
    localStorage.setItem(SETTINGS_KEY, JSON.stringify({ ...readAll(), [key]: value }));
  } catch {
    // storage full or disabled: settings are a convenience, never a reason to fail
  }
}

/**
 * Restores `key`'s saved settings into `store` now (through `accept`, which drops or repairs what no
 * longer fits, e.g. a style that was removed), then saves `pick(state)` whenever it changes.
 */
export function persistSettings<T>(store: StoreApi<T>, key: string, pick: (state: T) => Settings, accept: (saved: Settings, state: T) => Partial<T> | null): void {
  const saved = readAll()[key];
  if (saved && typeof saved === 'object') {
    try {
      const restored = accept(saved, store.getState());
      if (restored) store.setState(restored);
    } catch {
      // a saved shape from another version: keep the defaults
    }
  }
  let last = JSON.stringify(pick(store.getState()));
  store.subscribe((state) => {
    const value = pick(state);
    const text = JSON.stringify(value);
    if (text === last) return;
    last = text;
    writeOne(key, value);
  });
}

/**
 * Called once at start-up, after the default task is set: brings back the last visit's task (if it
 * still exists: `isTask`) and input, and keeps both from then on.
 */
export function restoreSession(isTask: (id: string) => boolean, open: (file: File) => Promise<void>): Promise<void> {
  persistSettings(useAppStore, 'app', (s) => ({ task: s.task }), (saved) => (typeof saved.task === 'string' && isTask(saved.task) ? { task: saved.task } : null));
  // The IndexedDB part loads after the first paint, out of the entry chunk.
  return import('./kept-input').then(({ persistInput }) => persistInput(open));
}
