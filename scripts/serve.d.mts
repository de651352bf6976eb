import type { Server } from 'node:http';
export function startServer(options?: { dir?: string; port?: number; base?: string; isolation?: boolean }): Promise<Server>;
