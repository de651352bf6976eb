/** The committed manifest, validated once. Task-specific lookups live with their task (e.g. src/features/style/models.ts). */
import manifestJson from '../../models/manifest.json';
import { validateManifest, type ModelEntry } from './registry';

export const manifest = validateManifest(manifestJson);

export function findModel(id: string): ModelEntry | undefined {
  return manifest.models.find((m) => m.id === id);
}
