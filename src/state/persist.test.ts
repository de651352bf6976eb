import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { persistSettings } from './persist';

/** localStorage as a browser has it (Node has none). */
class MemoryStorage {
  private data = new Map<string, string>();
  getItem = (k: string) => this.data.get(k) ?? null;
  setItem = (k: string, v: string) => void this.data.set(k, v);
  removeItem = (k: string) => void this.data.delete(k);
}

interface Settings {
  styleId: string;
  strength: number;
  live: number;
}

describe('persistSettings', () => {
  beforeEach(() => {
    (globalThis as { localStorage?: unknown }).localStorage = new MemoryStorage();
  });
  afterEach(() => {
    delete (globalThis as { localStorage?: unknown }).localStorage;
  });

  const known = new Set(['starry', 'scream']);
  const accept = (saved: Record<string, unknown>, s: Settings): Partial<Settings> => ({
    strength: typeof saved.strength === 'number' ? saved.strength : s.strength,
    styleId: typeof saved.styleId === 'string' && known.has(saved.styleId) ? saved.styleId : s.styleId,
  });
  const pick = (s: Settings) => ({ styleId: s.styleId, strength: s.strength });

  it('saves what it picks on change, and a new store starts from it', () => {
    const first = createStore<Settings>(() => ({ styleId: 'starry', strength: 1, live: 0 }));
    persistSettings(first, 'style', pick, accept);
    first.setState({ styleId: 'scream', strength: 0.4 });
    first.setState({ live: 5 }); // not picked: not saved
    const second = createStore<Settings>(() => ({ styleId: 'starry', strength: 1, live: 0 }));
    persistSettings(second, 'style', pick, accept);
    expect(second.getState()).toEqual({ styleId: 'scream', strength: 0.4, live: 0 });
  });

  it('drops a saved value that no longer fits (a removed style) and survives a damaged record', () => {
    localStorage.setItem('clipmorph-settings', JSON.stringify({ style: { styleId: 'gone', strength: 0.2 } }));
    const store = createStore<Settings>(() => ({ styleId: 'starry', strength: 1, live: 0 }));
    persistSettings(store, 'style', pick, accept);
    expect(store.getState()).toMatchObject({ styleId: 'starry', strength: 0.2 });
    localStorage.setItem('clipmorph-settings', '{not json');
    const fresh = createStore<Settings>(() => ({ styleId: 'starry', strength: 1, live: 0 }));
    persistSettings(fresh, 'style', pick, accept);
    expect(fresh.getState().strength).toBe(1);
  });
});
