/**
 * Errors the user should read. `message` is a plain sentence that says what went wrong and what to
 * do; anything else that reaches the UI is wrapped by `toUserMessage` so no stack trace leaks out.
 */
export class UserError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UserError';
  }
}

/**
 * A decoder that failed on damaged bytes partway through a file, with the sentence the user reads
 * when nothing before the damage could be kept (`userMessage`). Not a UserError: after good frames,
 * media/pipeline.ts readable() ends the frames there and the job finishes with a partial result.
 */
export class DecodeDamageError extends Error {
  constructor(
    readonly userMessage: string,
    detail: string,
  ) {
    super(detail);
    this.name = 'DecodeDamageError';
  }
}

export class CancelledError extends Error {
  constructor() {
    super('Cancelled.');
    this.name = 'CancelledError';
  }
}

export function isCancelled(error: unknown): boolean {
  return (
    error instanceof CancelledError ||
    (error instanceof DOMException && error.name === 'AbortError') ||
    (error instanceof Error && error.name === 'CancelledError')
  );
}

export function toUserMessage(error: unknown): string {
  if (error instanceof Error && error.name === 'UserError') return error.message;
  const detail = error instanceof Error ? error.message : String(error);
  return `Something went wrong (${detail}). Try again; if it keeps happening, reload the page or pick another backend with ?backend=wasm.`;
}
