/**
 * One frame in flight, late frames dropped: the camera offers frames at its own rate, and while the
 * model is busy with one, the others are counted and let go rather than queued (a queue would only
 * add delay). The frame rate shown is painted frames over the last second or two.
 */

/**
 * Frames per second from painted-frame times (milliseconds): over the last `windowMillis` when two or
 * more frames fall inside it, else from the last two frames (a slow device still reads, say, 0.4 fps),
 * and 0 once nothing was painted for `staleMillis` (a stalled stream does not keep its old rate).
 */
export class FpsMeter {
  private readonly times: number[] = [];

  constructor(
    private readonly windowMillis = 2000,
    private readonly staleMillis = 10_000,
  ) {}

  tick(now: number): void {
    this.times.push(now);
    // Keep the window, but never fewer than the last two frames.
    while (this.times.length > 2 && now - this.times[0] > this.windowMillis) this.times.shift();
  }

  value(now: number): number {
    const times = this.times;
    if (times.length < 2 || now - times[times.length - 1] > this.staleMillis) return 0;
    const recent = times.filter((t) => now - t <= this.windowMillis);
    const used = recent.length >= 2 ? recent : times.slice(-2);
    const span = used[used.length - 1] - used[0];
    return span > 0 ? ((used.length - 1) * 1000) / span : 0;
  }

  reset(): void {
    this.times.length = 0;
  }
}

export class FramePump {
  private busy = false;
  offered = 0;
  painted = 0;
  dropped = 0;

  constructor(private readonly process: () => Promise<void>) {}

  get inFlight(): boolean {
    return this.busy;
  }

  /** A new camera frame is ready: processed now if nothing is in flight, else dropped. */
  offer(): Promise<void> | null {
    this.offered++;
    if (this.busy) {
      this.dropped++;
      return null;
    }
    this.busy = true;
    return this.process().then(
      () => {
        this.painted++;
        this.busy = false;
      },
      (error: unknown) => {
        this.busy = false;
        throw error;
      },
    );
  }
}

/** Processing size for a camera picture: `side` on the long side, each side a multiple of `multiple` (and even, for encoders). */
export function processingSize(width: number, height: number, side: number, multiple = 4): { width: number; height: number } {
  const step = multiple % 2 === 0 ? multiple : multiple * 2;
  const scale = Math.min(1, side / Math.max(width, height));
  const round = (v: number) => Math.max(step, Math.round((v * scale) / step) * step);
  return { width: round(width), height: round(height) };
}
