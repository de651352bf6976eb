import { describe, expect, it } from 'vitest';
import { asGpuLost, gpuLostPromise, gpuWasLost, GpuLostError, watchDevice } from './gpu-lost';

describe('gpu-lost', () => {
  it('maps errors only after the watched device is lost, and rejects the waiting promise', async () => {
    let lose!: (info: { reason: string; message: string }) => void;
    const device = { lost: new Promise<{ reason: string; message: string }>((resolve) => (lose = resolve)) };
    watchDevice(device);
    const plain = new Error('mapAsync failed');
    expect(asGpuLost(plain)).toBe(plain);
    expect(gpuWasLost()).toBe(false);
    lose({ reason: 'destroyed', message: 'Device was destroyed.' });
    await expect(gpuLostPromise).rejects.toThrow(/GPU stopped responding \(destroyed: Device was destroyed\.\)/);
    expect(gpuWasLost()).toBe(true);
    const mapped = asGpuLost(plain);
    expect(mapped).toBeInstanceOf(GpuLostError);
    expect((mapped as Error).name).toBe('GpuLostError');
  });
});
