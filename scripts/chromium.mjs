/**
 * Debian's chromium, never a downloaded browser, with the flags every browser run here uses:
 * SwiftShader gives a (slow, correct) WebGPU, and nothing phones home. Shared by
 * playwright.config.ts and the benchmarks so the two cannot drift apart.
 */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const chromiumArgs = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--disable-vulkan-surface',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
