import { describe, expect, it, vi } from 'vitest';
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

  it('takes an error that says the device is lost for a loss before device.lost settles; other errors stay as they are', async () => {
    vi.resetModules();
    const fresh = await import('./gpu-lost');
    expect(fresh.gpuWasLost()).toBe(false);
    for (const message of ["Failed to execute 'mapAsync' on 'GPUBuffer': Device is lost.", 'Device was destroyed.', '[Device] is lost.', 'GPUDevice lost']) {
      const mapped = fresh.asGpuLost(new DOMException(message, 'OperationError'));
      expect((mapped as Error).name, message).toBe('GpuLostError');
      expect((mapped as Error).message).toBe(`The GPU stopped responding (${message}).`);
    }
    for (const message of ['mapAsync failed', 'the model has no output "x"', 'Lost connection to the device list', 'out of memory']) {
      const plain = new Error(message);
      expect(fresh.asGpuLost(plain), message).toBe(plain);
    }
  });
});
