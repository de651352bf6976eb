import type { ModelEntry } from '../src/models/registry';
export const STANDIN_REPO: string;
export const STANDIN_COMMIT: string;
export const STANDIN_ID: string;
export const STANDIN_WEIGHTS: number[];
export function makeCatalogueStandIn(options?: { commit?: string; mustAccept?: boolean }): {
  files: Array<{ path: string; role: string; bytes: Buffer }>;
  entry: ModelEntry;
  urls: Record<string, Buffer>;
};
