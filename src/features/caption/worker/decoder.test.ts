/** The encoder's contract (checkEncoder), as the own-files check and encode() both apply it. */
import { describe, expect, it } from 'vitest';
import { checkEncoder } from './decoder';

const graph = (inputNames: string[], outputNames: string[]) => ({ inputNames, outputNames });

describe('checkEncoder', () => {
  it('accept a graph that takes pixel_values and gives last_hidden_state', () => {
    expect(() => checkEncoder(graph(['pixel_values'], ['last_hidden_state', 'pooler_output']))).not.toThrow();
  });

  it('name what is missing and what the graph has', () => {
    expect(() => checkEncoder(graph(['input_ids'], ['logits']))).toThrow(
      'This does not look like the ViT-GPT2 encoder: it lacks pixel_values, last_hidden_state (it has input_ids, logits).',
    );
    expect(() => checkEncoder(graph(['pixel_values'], []))).toThrow('it lacks last_hidden_state (it has pixel_values).');
  });

  it("throw the caller's own error, given what is missing", () => {
    const seen: (readonly string[])[] = [];
    const refuse = (lack: readonly string[]) => (seen.push(lack), new Error('Your encoder file is not it'));
    expect(() => checkEncoder(graph([], ['last_hidden_state']), refuse)).toThrow('Your encoder file is not it');
    expect(seen).toEqual([['pixel_values']]);
    checkEncoder(graph(['pixel_values'], ['last_hidden_state']), refuse);
    expect(seen).toHaveLength(1);
  });
});
