/** Rate and ETA from work done so far; `now` is injectable so tests need no clock. */
export interface ProgressEstimate {
  fraction: number;
  ratePerSecond: number | null;
  etaSeconds: number | null;
}

export function estimateProgress(done: number, total: number, startedAt: number, now: number): ProgressEstimate {
  const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const elapsed = (now - startedAt) / 1000;
  if (done <= 0 || elapsed <= 0) return { fraction, ratePerSecond: null, etaSeconds: null };
  const ratePerSecond = done / elapsed;
  return { fraction, ratePerSecond, etaSeconds: Math.max(0, (total - done) / ratePerSecond) };
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${String(s % 60).padStart(2, '0')} s`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
