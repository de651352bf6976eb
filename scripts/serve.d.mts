import type { Server } from 'node:http';
export function startServer(options?: {
  dir?: string;
  port?: number;
  base?: string;
  isolation?: boolean;
  /** Bytes served at these paths (relative to base) instead of the dist's files. */
  files?: Record<string, string | Uint8Array>;
  /** Called after each response with the body bytes sent. */
  onServe?: (served: { path: string; status: number; bytes: number }) => void;
}): Promise<Server>;
/** The Content-Security-Policy of a built page's <meta> tag (sent as a header too), or null. */
export function pagePolicy(html: string): string | null;
