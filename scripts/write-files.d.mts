export function sha256(bytes: Uint8Array): string;
export function writeFiles(
  outDir: string,
  files: Record<string, Uint8Array | (() => Uint8Array)>,
): Record<string, { bytes: number; sha256: string }>;
