export const TEST_MODELS: Record<string, () => Uint8Array>;
export function makeTestModels(outDir: string): Record<string, { bytes: number; sha256: string }>;
