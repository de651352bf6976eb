/** Captions out of the app: CSV and JSON exports, a file name suggested by a caption, alt text. */

export interface CaptionRecord {
  file: string;
  caption: string;
  /** Model id and variant that made it ("vit-gpt2-image-captioning (quantized)"). */
  model: string;
  /** Seconds the caption took (encoder + decoder), or null when it failed. */
  seconds: number | null;
  /** Set when the photo could not be captioned. */
  error?: string;
}

function csvField(value: string): string {
  // Quote every field that needs it (RFC 4180); a leading = + - @ is prefixed so spreadsheets never run it as a formula.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) || safe !== value ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** file,caption,model,seconds (+ error), CRLF line ends, UTF-8 with a BOM so spreadsheets read é and emoji right. */
export function captionsCsv(records: readonly CaptionRecord[]): string {
  const rows = [['file', 'caption', 'model', 'seconds', 'error']];
  for (const r of records) rows.push([r.file, r.caption, r.model, r.seconds === null ? '' : r.seconds.toFixed(2), r.error ?? '']);
  return '\uFEFF' + rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

export function captionsJson(records: readonly CaptionRecord[]): string {
  return JSON.stringify(
    records.map((r) => ({ file: r.file, caption: r.caption, model: r.model, seconds: r.seconds === null ? null : Number(r.seconds.toFixed(3)), ...(r.error ? { error: r.error } : {}) })),
    null,
    2,
  ) + '\n';
}

/** "a café on the beach 🐶" + "IMG_0042.JPG" -> "a-cafe-on-the-beach.jpg" (ASCII, at most `max` characters before the extension). */
export function fileNameFromCaption(caption: string, original: string, max = 60): string {
  const dot = original.lastIndexOf('.');
  const ext = dot > 0 ? original.slice(dot).toLowerCase() : '';
  let stem = caption
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (stem.length > max) stem = stem.slice(0, max).replace(/-[^-]*$/, '') || stem.slice(0, max);
  return (stem || (dot > 0 ? original.slice(0, dot) : original) || 'photo') + ext;
}

/** An <img> tag with the caption as its alt text, attribute-escaped. */
export function altTextTag(caption: string, src: string): string {
  const attr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<img src="${attr(src)}" alt="${attr(caption)}">`;
}
