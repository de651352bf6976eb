#!/usr/bin/env node
/**
 * Markdown tables from bench/profile.mjs results (per-op, browser WASM vs native, before and after
 * scripts/optimize-style-graphs.py) and bench/profile-gif.mjs results, for BENCHMARKS.md.
 *
 *   node bench/profile-report.mjs bench/.tmp/prof/rt-t2.json [more.json ...] [--gif bench/.tmp/profile-gif.json]
 *
 * A profile file holds the original and the rewritten graph (same basename, different folders), in
 * that order, per size.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const f1 = (v) => (v == null ? '–' : v.toFixed(1));
const f2 = (v) => (v == null || !Number.isFinite(v) ? '–' : v.toFixed(2));
const table = (head, rows) => [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

/** Native runs NCHWc kernels (ReorderInput/Output around them, nodes renamed); fold those into op groups both sides share. */
function groups(side) {
  const out = {};
  for (const [op, v] of Object.entries(side.byOp)) {
    const key = op === 'FusedConv' || op === 'Conv' ? 'Conv (incl. FusedConv)' : op === 'ReorderInput' || op === 'ReorderOutput' ? 'Reorder (NCHWc layout, native only)' : op;
    out[key] = (out[key] ?? 0) + v.ms;
  }
  return out;
}

function profileSection(file) {
  const data = JSON.parse(readFileSync(file, 'utf8'));
  const lines = [];
  lines.push(`Measured ${data.date.slice(0, 16).replace('T', ' ')} UTC, ${data.threads} thread(s) both sides, fastest of ${data.runs} timed runs after a warm-up; load average ${data.loadStart.split(' ').slice(0, 3).join(' / ')} at start, ${data.loadEnd.split(' ').slice(0, 3).join(' / ')} at end.`, '');
  const bySize = new Map();
  for (const r of data.results) {
    const key = r.size;
    if (!bySize.has(key)) bySize.set(key, []);
    bySize.get(key).push(r);
  }
  const summary = [];
  for (const [size, rows] of bySize) {
    const [before, after] = rows;
    const gb = { browser: groups(before.browser), native: groups(before.native) };
    const ga = after ? { browser: groups(after.browser), native: groups(after.native) } : null;
    const ops = [...new Set([...Object.keys(gb.browser), ...Object.keys(gb.native), ...(ga ? [...Object.keys(ga.browser), ...Object.keys(ga.native)] : [])])];
    ops.sort((a, b) => (gb.browser[b] ?? 0) - (gb.browser[a] ?? 0));
    const body = ops.map((op) => {
      const b = gb.browser[op];
      const n = gb.native[op];
      const cells = [op, f1(b), f1(n), b && n ? f2(b / n) : '–'];
      if (ga) {
        const b2 = ga.browser[op];
        const n2 = ga.native[op];
        cells.push(f1(b2), f1(n2), b2 && n2 ? f2(b2 / n2) : '–');
      }
      return cells;
    });
    const totals = ['**whole run (model_run)**', f1(before.browser.runMs), f1(before.native.runMs), `**${f2(before.browser.runMs / before.native.runMs)}**`];
    if (after) totals.push(f1(after.browser.runMs), f1(after.native.runMs), `**${f2(after.browser.runMs / after.native.runMs)}**`);
    body.push(totals);
    const head = ['op', 'browser ms', 'native ms', 'browser / native'];
    if (after) head.push('after: browser ms', 'after: native ms', 'after: browser / native');
    lines.push(`**${path.basename(before.file)}, ${size}×${size} px** (before = the graph as exported; after = \`scripts/optimize-style-graphs.py\`)`, '', table(head, body), '');
    const top = [...before.browser.byNode].sort((a, b) => b.ms - a.ms).slice(0, 5);
    lines.push(`Top nodes in the browser, before: ${top.map((n) => `\`${n.name}\` (${n.op}) ${f1(n.ms)} ms`).join(', ')}.`, '');
    if (after) {
      const topA = [...after.browser.byNode].sort((a, b) => b.ms - a.ms).slice(0, 5);
      lines.push(`After: ${topA.map((n) => `\`${n.name}\` (${n.op}) ${f1(n.ms)} ms`).join(', ')}.`, '');
    }
    summary.push([`${path.basename(before.file)}`, `${size}`, data.threads, f2(before.browser.runMs / before.native.runMs), after ? f2(after.browser.runMs / after.native.runMs) : '–',
      after ? f2(after.browser.runMs / before.browser.runMs) : '–', after ? f2(after.native.runMs / before.native.runMs) : '–']);
  }
  return { lines, summary };
}

function gifSection(file) {
  const data = JSON.parse(readFileSync(file, 'utf8'));
  const before = data.rows[0];
  const lines = [`ski.mov, first ${data.seconds} s, ${data.width}×${data.height}, ${data.rows[0].frames} frames at 25 fps, stylised by \`${data.model}\`; measured ${data.date.slice(0, 16).replace('T', ' ')} UTC. PSNR of the decoded, composited GIF frames against the stylised frames (RGB).`, ''];
  lines.push(table(['encoding', 'bytes', 'vs before', 'PSNR dB', 'frames with transparency', 'transparent pixels', 'encode s (node)'],
    data.rows.map((r) => [r.label, r.bytes.toLocaleString('en'), f2(r.bytes / before.bytes), f2(r.psnr), `${r.transparentFrames}/${r.frames}`, `${Math.round((r.transparentShare ?? 0) * 100)} %`, f1(r.encodeMs / 1000)])));
  const auto = data.rows.find((r) => r.label.startsWith('auto (new default)'));
  if (auto) lines.push('', `Size estimate shown before encoding (src/lib/timeline.ts estimateGifBytes): ${data.estimate.toLocaleString('en')} bytes, ${f1((data.estimate / auto.bytes - 1) * 100)} % against the new default's ${auto.bytes.toLocaleString('en')}.`);
  return lines;
}

const args = process.argv.slice(2);
const gifAt = args.indexOf('--gif');
const gifFile = gifAt >= 0 ? args[gifAt + 1] : null;
const profiles = args.filter((a, i) => a !== '--gif' && (gifAt < 0 || i !== gifAt + 1));
const summary = [];
for (const file of profiles) {
  const s = profileSection(file);
  console.log(s.lines.join('\n'));
  summary.push(...s.summary);
}
if (summary.length) {
  console.log(table(['graph', 'px', 'threads', 'browser / native before', 'after', 'browser after / before', 'native after / before'], summary));
  console.log('');
}
if (gifFile) console.log(gifSection(gifFile).join('\n'));
