/**
 * "Run from memory this time": when the device has no room for a model, the user may choose, for
 * this visit, to have it downloaded into memory whenever a task needs it, and not kept. The choice
 * lives in the page (sessionStorage, one visit); a worker that is about to download asks the page
 * over a BroadcastChannel, so tasks running in workers follow it without passing anything along.
 */
const KEY = 'clipmorph-run-from-memory';
const CHANNEL = 'clipmorph-models';
const ANSWER_WITHIN_MS = 250;

/** The page's sessionStorage; undefined in workers (their lib has no such type either). */
const session = () => (globalThis as { sessionStorage?: { getItem(k: string): string | null; setItem(k: string, v: string): void } }).sessionStorage;

function chosenHere(): string[] | null {
  const store = session();
  if (!store) return null;
  try {
    return JSON.parse(store.getItem(KEY) ?? '[]') as string[];
  } catch {
    return [];
  }
}

/** Page: the user chose to run this model from memory for the rest of this visit. */
export function chooseMemory(modelId: string): void {
  const ids = chosenHere() ?? [];
  if (!ids.includes(modelId)) session()?.setItem(KEY, JSON.stringify([...ids, modelId]));
  answerMemoryQuestions();
}

/** Page: is the choice made for this model (false in a worker: use memoryChosen there)? */
export function memoryChosenHere(modelId: string): boolean {
  return (chosenHere() ?? []).includes(modelId);
}

/** Page: forget the choice (e.g. the model was deleted, or space was freed). */
export function forgetMemoryChoice(modelId?: string): void {
  const ids = chosenHere();
  if (ids && ids.length > 0) session()?.setItem(KEY, JSON.stringify(modelId ? ids.filter((id) => id !== modelId) : []));
}

/** Did the user choose memory for this model? In a worker, the page is asked (false when no page answers). */
export async function memoryChosen(modelId: string): Promise<boolean> {
  const here = chosenHere();
  if (here) return here.includes(modelId);
  if (typeof BroadcastChannel === 'undefined') return false;
  const channel = new BroadcastChannel(CHANNEL);
  const nonce = Math.random().toString(36).slice(2);
  try {
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), ANSWER_WITHIN_MS);
      channel.onmessage = (event: MessageEvent<{ type?: string; nonce?: string; memory?: boolean }>) => {
        if (event.data?.type === 'memory-answer' && event.data.nonce === nonce && event.data.memory) {
          clearTimeout(timer);
          resolve(true);
        }
      };
      channel.postMessage({ type: 'memory-question', nonce, modelId });
    });
  } finally {
    channel.close();
  }
}

let answering = false;

/** Page: answer workers' questions about the choice (started once, at start-up or at the first choice). */
export function answerMemoryQuestions(): void {
  if (answering || typeof BroadcastChannel === 'undefined' || !session()) return;
  answering = true;
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (event: MessageEvent<{ type?: string; nonce?: string; modelId?: string }>) => {
    if (event.data?.type !== 'memory-question' || !event.data.modelId) return;
    channel.postMessage({ type: 'memory-answer', nonce: event.data.nonce, memory: (chosenHere() ?? []).includes(event.data.modelId) });
  };
}
