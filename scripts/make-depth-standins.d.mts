export const DEPTH_ANYTHING_STANDIN: { weights: [number, number, number]; bias: number };
export const MIDAS_STANDIN: { weights: [number, number, number]; bias: number };
export const DEPTH_STANDINS: Record<string, () => Uint8Array>;
export function makeDepthStandins(outDir: string): Record<string, { bytes: number; sha256: string }>;
