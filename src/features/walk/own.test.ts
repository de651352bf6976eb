import { describe, expect, it } from 'vitest';
import { UserError } from '../../lib/errors';
import { graphFilesOf } from '../../runtime/sessions';
import { planOwnWalk, walkRoleOf } from './folder';
import { ownWalkEntry } from './own';

const blob = (n = 1) => new Blob([new Uint8Array(n)]);
/** The hub repo's layout under whatever the user's folder is called, plus files the walk does not read. */
const repo = (top = 'sd-turbo-ort-web') =>
  [
    'README.md',
    '.gitattributes',
    'text_encoder/model.onnx',
    'unet/model.onnx',
    'vae_decoder/model.onnx',
    'tokenizer/vocab.json',
    'tokenizer/merges.txt',
    'tokenizer/special_tokens_map.json',
  ].map((p) => ({ file: blob(), path: `${top}/${p}` }));

describe('SD-Turbo files of the user’s own', () => {
  it('places each file by its folder, whatever the folder above is called', () => {
    expect(walkRoleOf('my copy/unet/model.onnx')).toEqual({ role: 'unet', path: 'unet/model.onnx' });
    expect(walkRoleOf('a/b/text_encoder/model.onnx')).toEqual({ role: 'text-encoder', path: 'text_encoder/model.onnx' });
    expect(walkRoleOf('x/VAE_DECODER/model.onnx')).toEqual({ role: 'vae-decoder', path: 'vae_decoder/model.onnx' });
    expect(walkRoleOf('x/tokenizer/vocab.json')).toEqual({ role: 'vocab', path: 'tokenizer/vocab.json' });
    expect(walkRoleOf('x/unet/model.onnx_data')).toEqual({ role: 'external-data', path: 'unet/model.onnx_data' });
    expect(walkRoleOf('x/unet/model.onnx.data')).toEqual({ role: 'external-data', path: 'unet/model.onnx.data' });
    for (const other of ['x/README.md', 'x/unet/config.json', 'model.onnx', 'x/safety_checker/model.onnx']) expect(walkRoleOf(other)).toBeNull();
  });

  it('plans the five files of the hub folder and leaves the rest', () => {
    const picks = planOwnWalk(repo());
    expect(picks.map((p) => [p.role, p.path])).toEqual([
      ['text-encoder', 'text_encoder/model.onnx'],
      ['unet', 'unet/model.onnx'],
      ['vae-decoder', 'vae_decoder/model.onnx'],
      ['vocab', 'tokenizer/vocab.json'],
      ['merges', 'tokenizer/merges.txt'],
    ]);
  });

  it('keeps external data only beside the graph it is named after, where the runtime finds it', () => {
    const picks = planOwnWalk([...repo(), { file: blob(), path: 'r/unet/model.onnx_data' }, { file: blob(), path: 'r/unet/other.onnx_data' }]);
    expect(picks.filter((p) => p.role === 'external-data').map((p) => p.path)).toEqual(['unet/model.onnx_data']);
    const entry = ownWalkEntry(picks.map((p, i) => ({ path: p.path, role: p.role, url: '', bytes: 10 + i, sha256: String(i).padStart(64, '0') })));
    expect(graphFilesOf(entry.variants[0], 'unet').externalData.map((f) => f.path)).toEqual(['unet/model.onnx_data']);
    expect(entry.variants[0].bytes).toBe(10 + 11 + 12 + 13 + 14 + 15);
  });

  it('refuses, before anything is copied, a folder that lacks a graph or holds two, saying what to choose', () => {
    const noUnet = repo().filter((f) => !f.path.includes('/unet/'));
    expect(() => planOwnWalk(noUnet)).toThrow(UserError);
    expect(() => planOwnWalk(noUnet)).toThrow(/has no unet\/model\.onnx\. Choose the folder of schmuell\/sd-turbo-ort-web/);
    expect(() => planOwnWalk([...repo(), { file: blob(), path: 'r/unet/model_fp32.onnx' }])).toThrow(/2 files for SD-Turbo's unet \(unet\/model\.onnx, unet\/model_fp32\.onnx\)/);
    expect(() => planOwnWalk([{ file: blob(), path: 'photo.jpg' }])).toThrow(/None of the 1 file you chose belongs to SD-Turbo/);
    // Loose files (no folders): the graphs cannot be told apart.
    expect(() => planOwnWalk([{ file: blob(), path: 'model.onnx' }, { file: blob(), path: 'vocab.json' }, { file: blob(), path: 'merges.txt' }])).toThrow(
      /"model\.onnx" is a graph outside SD-Turbo's folders, so which of its three graphs it is cannot be told\. Choose the folder/,
    );
    // A folder with some graphs placed and a stray one: what is missing is said.
    expect(() => planOwnWalk([...repo().filter((f) => !f.path.includes('/unet/')), { file: blob(), path: 'r/model.onnx' }])).toThrow(/has no unet\/model\.onnx\./);
  });
});
