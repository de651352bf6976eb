/** Images from the clipboard: a paste (Ctrl/Cmd+V) on the page, or the async Clipboard API behind the Paste button. */
import { UserError } from '../../../lib/errors';

const EXTENSION: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp', 'image/gif': 'gif', 'image/avif': 'avif' };

/** Browsers name a pasted screenshot "image.png"; give it a name that says where it came from. */
function named(blob: Blob, name = ''): File {
  const type = blob.type || 'image/png';
  const fileName = name && name !== 'image.png' ? name : `pasted-image.${EXTENSION[type] ?? 'png'}`;
  return new File([blob], fileName, { type, lastModified: Date.now() });
}

/** True where typing or pasting text is what the user means (prompts, caption edits). */
function isEditable(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || target instanceof HTMLTextAreaElement || (target instanceof HTMLInputElement && target.type !== 'file' && target.type !== 'range' && target.type !== 'radio' && target.type !== 'checkbox'));
}

/** The files a paste event carries, or none when it is text pasted into a text field. */
export function pastedFiles(event: ClipboardEvent): File[] {
  const data = event.clipboardData;
  if (!data) return [];
  const files = Array.from(data.files ?? []);
  if (files.length === 0 || (isEditable(event.target) && data.types.includes('text/plain'))) return [];
  return files.map((f) => (f.type.startsWith('image/') ? named(f, f.name) : f));
}

/** The clipboard's image through navigator.clipboard.read() (asks for permission where the browser does). */
export async function readClipboardImage(): Promise<File> {
  let items: ClipboardItems;
  try {
    items = await navigator.clipboard.read();
  } catch {
    throw new UserError('This browser did not let the page read the clipboard. Press Ctrl+V (⌘V on a Mac) on the page instead, or allow clipboard access for this site.');
  }
  for (const item of items) {
    const type = item.types.find((t) => t.startsWith('image/'));
    if (type) return named(await item.getType(type));
  }
  throw new UserError('The clipboard holds no image. Copy a photo (for example "Copy image" in a browser or a screenshot), then paste again.');
}

export const canReadClipboard = (): boolean => typeof navigator !== 'undefined' && typeof navigator.clipboard?.read === 'function';
