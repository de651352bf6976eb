/**
 * A task's state module, loaded on first use (its views, Run, a drop, its API) rather than with the
 * entry chunk: the first download then carries only the chosen task's code, however many tasks the
 * registry lists. The promise is made once, so React's `use()` sees the same one on every render.
 */
export function lazyModule<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined; // a failed chunk load (offline, a new deployment) is tried again next time
      throw error;
    });
    return loading;
  };
}
