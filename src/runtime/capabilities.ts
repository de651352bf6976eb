import type { Backend } from '../models/registry';

export interface GpuInfo {
  available: boolean;
  /** A software adapter (SwiftShader, WARP) is correct but far slower than WASM with threads. */
  software: boolean;
  shaderF16: boolean;
  description: string;
}

export async function probeWebGpu(): Promise<GpuInfo> {
  const none: GpuInfo = { available: false, software: false, shaderF16: false, description: 'no WebGPU' };
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return none;
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return none;
    const info = adapter.info;
    const description = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'unknown GPU';
    const fallback = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
    const software = fallback || /swiftshader|llvmpipe|warp|software/i.test(description);
    return { available: true, software, shaderF16: adapter.features.has('shader-f16'), description };
  } catch {
    return none;
  }
}

/**
 * `?backend=` wins; otherwise WebGPU on a real GPU, WASM everywhere else (including software GPUs,
 * where WASM with threads is orders of magnitude faster).
 */
export function chooseBackend(requested: string | null, gpu: GpuInfo): Backend {
  if (requested === 'wasm') return 'wasm';
  if (requested === 'webgpu') return 'webgpu';
  return gpu.available && !gpu.software ? 'webgpu' : 'wasm';
}
