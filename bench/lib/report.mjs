/**
 * Renders bench/results.json as BENCHMARKS.md: per group its command, date and machine, then its
 * table. bench/findings.md (hand-written: what was investigated, what helped) is appended as is.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { benchDir, median } from './common.mjs';

const ORDER = ['latency', 'profile', 'tuning', 'int8', 'video', 'overlap', 'server', 'memory', 'cold', 'gif', 'gifsize'];
const fmt = (v, digits = 1) => (v == null || Number.isNaN(v) ? '–' : typeof v === 'number' ? v.toFixed(digits) : String(v));
const kib = (bytes) => (bytes == null ? '–' : `${(bytes / 1024).toFixed(1)} KiB`);

function table(head, rows) {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function machineLine(m) {
  if (!m) return '';
  const busy = m.busyProcesses?.filter((p) => !p.includes('bench/')).map((p) => `\`${p.replace(/\s+/g, ' ').slice(0, 90)}\``);
  return `${m.cores} cores ${m.cpu}, ${m.memoryGiB} GiB RAM, ${m.kernel}; ${m.chromium}; Node ${m.node}; ${m.ffmpeg.split(' Copyright')[0]}; torch ${m.torch}. ` +
    `Load average ${m.loadAverage?.join(' / ')} at start, ${m.loadAverageAfter?.join(' / ')} at end` +
    (busy?.length ? `; other busy processes at start: ${busy.join(', ')}` : '') + '.';
}

function header(group) {
  return [
    `### ${group.title}`,
    '',
    `Command: \`${group.command}\` · measured ${group.date.replace('T', ' ').slice(0, 16)} UTC (${group.seconds} s)  `,
    `Machine: ${machineLine(group.machine)}`,
    '',
  ].join('\n');
}

const notes = (group) => (group.notes?.length ? `\n${group.notes.map((n) => `- ${n}`).join('\n')}\n` : '');

const render = {
  latency: (g) =>
    table(
      ['model', 'tier', 'variant', 'backend', 'px', 'browser ms', 'native ms', 'browser / native'],
      g.rows.map((r) =>
        r.error
          ? [r.model, r.tier, r.variant, r.backend, '–', `failed: ${r.error}`, '–', '–']
          : [r.model + (r.sameAs?.length ? ` (same graph: ${r.sameAs.join(', ')})` : ''), r.tier, r.variant, `${r.backend} ×${r.threads}`, r.size, fmt(r.browserMs), fmt(r.nativeMs), `**${fmt(r.ratio, 2)}**`],
      ),
    ) + notes(g),
  tuning: (g) =>
    table(
      ['model', 'px', 'change (browser side)', 'browser ms', 'app default ms (same rounds)', 'native ms', 'browser / native', 'vs app default'],
      g.rows.map((r) => [r.model, r.size, r.change, fmt(r.browserMs), fmt(r.defaultMs), fmt(r.nativeMs), fmt(r.ratio, 2), r.vsDefault == null ? '–' : `**${fmt(r.vsDefault, 2)}×**`]),
    ) + notes(g),
  int8: (g) =>
    table(
      ['model', 'int8 shipped', 'backend', 'px', 'fp32 ms', 'int8 ms', 'int8 / fp32'],
      g.rows.map((r) => [r.model, r.shipped ? 'yes' : 'no', `wasm ×${r.threads}`, r.size, fmt(r.fp32Ms), fmt(r.int8Ms), `**${fmt(r.ratio, 2)}**`]),
    ) + notes(g),
  video: (g, all) => {
    const server = all.server?.rows ?? [];
    return (
      table(
        ['tier', 'style', 'decode path', 'frames', 'size', 'our fps (wall)', 'app-reported fps', 'server fps', 'ours / server'],
        g.rows.map((r) => {
          const serverFps = serverFpsFor(r, server);
          return [r.tier, r.style, `${r.path === 'ffmpeg' ? 'ffmpeg.wasm' : 'WebCodecs'}${r.steady === false ? ', steady strokes off' : ''}`, r.frames, `${r.width}×${r.height}`, fmt(r.fps, 2), fmt(r.appFps, 2), fmt(serverFps, 2), serverFps ? `**${fmt(r.fps / serverFps, 2)}**` : '–'];
        }),
      ) + notes(g)
    );
  },
  overlap: (g) =>
    table(
      ['tier', 'model', 'size', 'frames', 'serial fps', 'overlapped fps', 'model-only fps', 'overlapped / model-only (goal ≥ 0.9)', 'serial / model-only', 'overlapped / serial', 'loop fps serial / overlapped', 'model share of the overlapped loop', 'ms per frame serial: decode, pre, model, post, encode', 'same, overlapped', 'max frames in flight', 'model in its own worker: fps', 'its / model-only', 'its model ms per frame'],
      g.rows.map((r) => {
        const ms = (mode) => ['decode', 'pre', 'model', 'post', 'sink'].map((k) => fmt(r.msPerFrame[k][mode], 0)).join(', ');
        return [r.tier, r.model, `${r.width}×${r.height}`, r.frames, fmt(r.serialFps, 2), fmt(r.overlappedFps, 2), fmt(r.modelOnlyFps, 2), `**${fmt(r.overlappedOverModel, 2)}**`, fmt(r.serialOverModel, 2), fmt(r.speedup, 2), `${fmt(r.serialLoopFps, 2)} / ${fmt(r.overlappedLoopFps, 2)}`, fmt((r.msPerFrame.model.overlapped * r.overlappedLoopFps) / 1000, 2), ms('serial'), ms('overlapped'), r.maxInFlight, r.workerFps == null ? '–' : fmt(r.workerFps, 2), r.workerOverModel == null ? '–' : `**${fmt(r.workerOverModel, 2)}**${r.workerUsed === false ? ' (worker not used)' : ''}`, r.workerModelMs == null ? '–' : fmt(r.workerModelMs, 0)];
      }),
    ) +
    (g.rows.some((r) => r.estimate)
      ? `\n\nBest quality estimates (shown before Run) against the timed overlapped job: ${g.rows.filter((r) => r.estimate).map((r) => `${r.width}×${r.height}: "${r.estimate.text}" → ${fmt(r.estimate.actualSeconds, 1)} s measured (estimate / actual ${fmt(r.estimate.seconds / r.estimate.actualSeconds, 2)})`).join('; ')}.\n`
      : '') +
    notes(g),
  server: (g) =>
    table(
      ['tier', 'style', 'frames', 'size', 'fps (extract+infer+encode)', 'inference-only fps', 'ffmpeg extract + encode ms/frame', 'weights'],
      g.rows.map((r) => {
        const mediaMs = median(r.runs.map((s) => ((s.extract + s.encode) * 1000) / r.frames));
        return [r.tier, r.style ?? '–', r.frames, `${r.width}×${r.height}`, fmt(r.fps, 2), fmt(r.inferFps, 2), fmt(mediaMs, 0), r.weights];
      }),
    ) + notes(g),
  memory: (g) =>
    table(
      ['clip', 'frames', 'wall s', 'before Run PSS / RSS MiB', 'peak PSS / RSS MiB', 'peak PSS by process (MiB)', 'peak JS heap page / workers MiB', 'output MiB'],
      g.rows.map((r) => [r.clip, r.frames, fmt(r.wallSeconds), `${r.beforeRunMiB.pss} / ${r.beforeRunMiB.rss}`, `**${r.peakMiB.pss}** / ${r.peakMiB.rss}`,
        Object.entries(r.pssByTypeAtPeakMiB ?? {}).map(([k, v]) => `${k} ${v}`).join(', '), `${fmt(r.peakMiB.pageHeap)} / ${fmt(r.peakMiB.workerHeap)}`, fmt(r.outputMiB, 2)]),
    ) +
    `\n\nGrowth 60 s / 30 s: peak PSS **${fmt(g.growth?.pssPeak60over30, 2)}×**, peak RSS ${fmt(g.growth?.rssPeak60over30, 2)}×, PSS above the pre-run level ${fmt(g.growth?.pssAboveIdle60over30, 2)}×.\n` +
    (g.rows.map((r) => `\nPSS over time, ${r.clip} (s: MiB): ${r.series.map((s) => `${s.t}: ${s.pss}`).join(', ')}`).join('')) + '\n' + notes(g),
  cold: (g) =>
    table(
      ['figure', 'value'],
      [
        ['navigation → app interactive (heading shown)', `${fmt(g.readyMs, 0)} ms`],
        [`navigation → first stylised image (${g.style})`, `**${fmt(g.firstImageMs, 0)} ms**`],
        ['of which the styling job (Run → download link)', `${fmt(g.jobMs, 0)} ms`],
        ['JS the page and its workers fetched before the first interaction', `**${g.initialPageJsBytes === undefined ? '–' : kib(g.initialPageJsBytes)}**`],
        ["JS transferred before the first interaction, with the service worker's precache so far (timing-dependent)", kib(g.initialJsBytes)],
        ['WASM transferred before the first interaction', kib(g.initialWasmBytes)],
        ['everything transferred before the first interaction', kib(g.initialAllBytes)],
        ['JS / WASM / model transferred by the first image', `${kib(g.jsBytesAfterFirstImage)} / ${kib(g.wasmBytesAfterFirstImage)} / ${kib(g.modelBytesAfterFirstImage)}`],
        ['everything transferred by the first image (of which by the service worker)', `${kib(g.allBytesAfterFirstImage)} (${kib(g.serviceWorkerBytesAfterFirstImage)})`],
        [`entry chunk ${g.entry?.file}`, `${kib(g.entry?.bytes)} raw, **${kib(g.entry?.gzipBytes)} gzip -9**`],
      ],
    ) +
    `\n\nScripts before the first interaction: ${(g.initialScripts ?? []).map((s) => `\`${s.url}\` ${kib(s.bytes)}${s.bySw ? ' (service worker)' : ''}`).join(', ')}.\n` +
    (g.largeTransfersByFirstImage ? `\nTransfers over 100 KB by the first image: ${g.largeTransfersByFirstImage.map((s) => `\`${s.url}\` ${kib(s.bytes)}${s.bySw ? ' (service worker)' : ''}`).join(', ')}.\n` : '') +
    notes(g),
  gif: (g) =>
    table(
      ['gifenc colour bins', 'frames', 'size', 'browser fps', 'node fps', 'browser / node'],
      g.rows.map((r) => [r.format + (r.format === 'rgb565' ? " (gifenc's default)" : r.format === 'rgb444' ? ' (what the app uses)' : ''), g.frames, `${g.width}×${g.height}`, fmt(r.browserFps, 2), fmt(r.nodeFps, 2), `**${fmt(r.ratio, 2)}**`]),
    ) + notes(g),
  profile: (g) => {
    const out = [];
    out.push('Timed A/B (the goal\'s figure: issue 17 asks browser / native ≤ 1.5 on the realtime tier at 512 and 1024 px):', '');
    out.push(table(['graph', 'px', 'browser ms', 'native ms', 'browser / native (median)', '(fastest runs)', 'goal ≤ 1.5'],
      g.ab.map((r) => [r.model, r.size, `${fmt(r.browserMedianMs)} (${fmt(r.browserMinMs)})`, `${fmt(r.nativeMedianMs)} (${fmt(r.nativeMinMs)})`, `**${fmt(r.ratioMedian, 2)}**`, fmt(r.ratioMin, 2), r.ratioMedian <= 1.5 ? 'met' : 'not met'])));
    const byKey = (key, size) => g.profiles.find((p) => p.key === key && p.size === size);
    for (const size of [...new Set(g.profiles.map((p) => p.size))]) {
      const before = byKey('rt-before', size);
      const after = byKey('rt-after', size);
      if (!before || !after) continue;
      const ops = [...new Set([...before.ops, ...after.ops].map((o) => o.op))];
      const cell = (p, op) => p.ops.find((o) => o.op === op);
      out.push('', `Per-op profile, realtime net, ${size}×${size} (kernel ms of the fastest profiled run; ${before.threads} threads both sides):`, '');
      out.push(table(['op', 'before: browser ms', 'native ms', 'browser / native', 'after: browser ms', 'native ms', 'browser / native', 'share of the browser run after'],
        [...ops.map((op) => { const b = cell(before, op); const a = cell(after, op); return [op, fmt(b?.browserMs), fmt(b?.nativeMs), b?.ratio == null ? '–' : fmt(b.ratio, 2), fmt(a?.browserMs), fmt(a?.nativeMs), a?.ratio == null ? '–' : fmt(a.ratio, 2), a ? `${fmt(a.shareBrowser * 100, 0)} %` : '–']; }),
          ['**whole run**', fmt(before.browserRunMs), fmt(before.nativeRunMs), `**${fmt(before.ratio, 2)}**`, fmt(after.browserRunMs), fmt(after.nativeRunMs), `**${fmt(after.ratio, 2)}**`, '']]));
      out.push('', `Slowest browser nodes after: ${after.topBrowserNodes.map((n) => `\`${n.name}\` (${n.op}) ${fmt(n.ms)} ms`).join(', ')}.`);
    }
    for (const p of g.profiles.filter((x) => x.key === 'hq')) {
      out.push('', `Per-op profile, ${p.model}, ${p.size}×${p.size}: whole run browser ${fmt(p.browserRunMs)} ms, native ${fmt(p.nativeRunMs)} ms, **${fmt(p.ratio, 2)}×**; ` + p.ops.slice(0, 5).map((o) => `${o.op} ${fmt(o.browserMs)} vs ${fmt(o.nativeMs)} ms (${o.ratio == null ? '–' : fmt(o.ratio, 2)}×)`).join(', ') + '.');
    }
    return out.join('\n') + '\n' + notes(g);
  },
  gifsize: (g) =>
    table(
      ['encoding (starry-night)', 'bytes', 'vs before', 'PSNR dB', 'frames with transparency', 'transparent pixels', 'encode s'],
      g.rows.map((r) => [r.label.startsWith('auto (') ? `**${r.label}**` : r.label, r.bytes.toLocaleString('en'), fmt(r.vsBefore, 2), fmt(r.psnr, 2), `${r.transparentFrames}/${r.frames}`, `${fmt(r.transparentShare * 100, 0)} %`, fmt(r.encodeMs / 1000, 1)]),
    ) +
    '\n\nThe default against before, and the estimate shown before Run against the real size, per style:\n\n' +
    table(
      ['style', 'before bytes', 'default bytes', 'default / before (goal ≤ 0.70)', 'PSNR before → default', 'estimate', 'estimate / actual (goal 0.75–1.25)'],
      g.estimates.map((e) => [e.style, e.beforeBytes.toLocaleString('en'), e.actualBytes.toLocaleString('en'), `**${fmt(e.vsBefore, 2)}**`, `${fmt(e.psnrBefore, 2)} → ${fmt(e.psnr, 2)}`, e.estimateBytes.toLocaleString('en'), `**${fmt(e.estimateOverActual, 2)}**`]),
    ) + '\n' + notes(g),
};

const range = (values) => {
  const v = values.filter((x) => x != null && Number.isFinite(x));
  return v.length ? `${fmt(Math.min(...v), 2)}–${fmt(Math.max(...v), 2)}× (median ${fmt(median(v), 2)}×)` : '–';
};

/** Server fps for a video row: measured interleaved with it, else from a separate server group run. */
function serverFpsFor(row, serverRows) {
  if (row.serverFps != null) return row.serverFps;
  if (row.tier === 'pipeline only') return null;
  return serverRows.find((x) => x.tier === row.tier && x.frames === row.frames)?.fps ?? null;
}

/** The headline ratios, each pointing at the table it comes from; issue 17's goals beside theirs. */
function summary(groups) {
  const rows = [];
  const met = (ok) => (ok ? 'met' : '**not met**');
  const latency = groups.latency?.rows?.filter((r) => r.ratio != null && r.tier !== 'test') ?? [];
  for (const variant of [...new Set(latency.map((r) => r.variant))]) {
    rows.push([`Model latency, browser WASM / native (${variant}, trained models and stand-ins, 256–1024 px)`, range(latency.filter((r) => r.variant === variant).map((r) => r.ratio)), '–']);
  }
  for (const r of groups.profile?.ab?.filter((x) => x.key === 'rt-after') ?? []) {
    const before = groups.profile.ab.find((x) => x.key === 'rt-before' && x.size === r.size);
    rows.push([`Realtime net, browser WASM / native, ${r.size} px, timed A/B (before the graph rewrite → shipped)`, `${before ? `${fmt(before.ratioMedian, 2)}× → ` : ''}**${fmt(r.ratioMedian, 2)}×** (${fmt(r.browserMedianMs)} vs ${fmt(r.nativeMedianMs)} ms)`, `≤ 1.5: ${met(r.ratioMedian <= 1.5)}`]);
  }
  const int8 = groups.int8?.rows?.filter((r) => r.ratio != null) ?? [];
  if (int8.length) rows.push([`Model latency, int8 / fp32, browser WASM (${int8.map((r) => `${r.size} px`).join(', ')})`, range(int8.map((r) => r.ratio)), '–']);
  for (const off of groups.video?.rows?.filter((x) => x.steady === false) ?? []) {
    const on = groups.video.rows.find((x) => x.tier === off.tier && x.path === off.path && x.steady !== false);
    if (on) rows.push([`Video pipeline alone (tiny model), steady strokes on / off (the default costs), ${off.width}×${off.height}, WebCodecs`, `**${fmt(on.fps / off.fps, 2)}×** fps (${fmt(on.fps, 2)} vs ${fmt(off.fps, 2)} fps)`, '–']);
  }
  for (const r of groups.video?.rows ?? []) {
    if (r.steady === false) continue;
    const serverFps = serverFpsFor(r, groups.server?.rows ?? []);
    if (serverFps) rows.push([`Video end to end, ours (${r.path === 'ffmpeg' ? 'ffmpeg.wasm' : 'WebCodecs'} decode) / original server, ${r.tier} tier${r.style.includes('stand-in') ? ' (stand-in weights)' : ''}, ${r.width}×${r.height}`, `**${fmt(r.fps / serverFps, 2)}×** (${fmt(r.fps, 2)} vs ${fmt(serverFps, 2)} fps)`, '–']);
  }
  for (const r of groups.overlap?.rows ?? []) {
    if (r.tier === 'pipeline only') {
      rows.push([`Video pipeline alone (tiny model), overlapped / serial, ${r.width}×${r.height}`, `**${fmt(r.speedup, 2)}×** (${fmt(r.overlappedFps, 2)} vs ${fmt(r.serialFps, 2)} fps)`, '–']);
      continue;
    }
    rows.push([`Video end to end, overlapped / model-only fps (WASM, ${r.tier}${r.tier === 'quality' ? ', Best quality' : ''}, ${r.width}×${r.height})`, `**${fmt(r.overlappedOverModel, 2)}×** (${fmt(r.overlappedFps, 2)} vs ${fmt(r.modelOnlyFps, 2)} fps; serial ${fmt(r.serialOverModel, 2)}×)`, `≥ 0.9: ${met(r.overlappedOverModel >= 0.9)}`]);
    if (r.tier !== 'pipeline only' && r.workerOverModel != null) rows.push([`Same, model in a worker of its own (?modelWorker=on; not the default on ≤ 5 cores), WASM, ${r.tier}, ${r.width}×${r.height}`, `**${fmt(r.workerOverModel, 2)}×** (${fmt(r.workerFps, 2)} fps; its model stage ${fmt(r.workerModelMs, 0)} ms a frame)`, `≥ 0.9: ${met(r.workerOverModel >= 0.9)}`]);
  }
  for (const r of groups.overlap?.rows?.filter((x) => x.estimate) ?? []) {
    rows.push([`Best quality video, time estimate shown before Run / measured, ${r.width}×${r.height}`, `**${fmt(r.estimate.seconds / r.estimate.actualSeconds, 2)}×** (${fmt(r.estimate.seconds, 1)} vs ${fmt(r.estimate.actualSeconds, 1)} s)`, '–']);
  }
  for (const e of groups.gifsize?.estimates ?? []) {
    if (e.style === 'starry-night') rows.push([`ski.mov 2 s GIF at 456×256, default / before issue 17 (${e.style}); PSNR vs the stylised frames`, `**${fmt(e.vsBefore, 2)}×** (${(e.actualBytes / 1e6).toFixed(2)} vs ${(e.beforeBytes / 1e6).toFixed(2)} MB; ${fmt(e.psnr, 2)} vs ${fmt(e.psnrBefore, 2)} dB)`, `≤ 0.70 at ≥ the PSNR: ${met(e.vsBefore <= 0.7 && e.psnr >= e.psnrBefore)}`]);
    rows.push([`GIF size estimate / actual, ski.mov 2 s, ${e.style}`, `**${fmt(e.estimateOverActual, 2)}×** (${(e.estimateBytes / 1e6).toFixed(2)} vs ${(e.actualBytes / 1e6).toFixed(2)} MB)`, `0.75–1.25: ${met(e.estimateOverActual >= 0.75 && e.estimateOverActual <= 1.25)}`]);
  }
  if (groups.memory?.growth) rows.push(['Peak browser memory, 60 s / 30 s 1080p clip (PSS)', `**${fmt(groups.memory.growth.pssPeak60over30, 2)}×** (peak ${groups.memory.rows.at(-1).peakMiB.pss} MiB)`, '–']);
  if (groups.cold?.firstImageMs) rows.push(['Cold start: navigation → first stylised image; JS the page fetched before first interaction; entry chunk gzip', `${fmt(groups.cold.firstImageMs, 0)} ms; ${kib(groups.cold.initialPageJsBytes ?? groups.cold.initialJsBytes)}; ${kib(groups.cold.entry?.gzipBytes)}`, '–']);
  for (const r of groups.gif?.rows ?? []) rows.push([`GIF encode 852×480, browser / node (gifenc ${r.format})`, `**${fmt(r.ratio, 2)}×** (${fmt(r.browserFps, 2)} vs ${fmt(r.nodeFps, 2)} fps)`, '–']);
  const dates = Object.values(groups).map((g) => g.date).filter(Boolean).sort();
  const loads = Object.values(groups).map((g) => g.machine?.loadAverage?.[0]).filter((v) => v != null);
  const others = [...new Set(Object.values(groups).flatMap((g) => g.machine?.busyProcesses?.filter((p) => !p.includes('bench/')) ?? []))];
  const when = dates.length
    ? `Measured ${dates[0].replace('T', ' ').slice(0, 16)} to ${dates.at(-1).replace('T', ' ').slice(0, 16)} UTC; 1-min load average at the start of each group ${fmt(Math.min(...loads), 2)}–${fmt(Math.max(...loads), 2)}, ` +
      (others.length ? `with other busy processes on the machine (${others.length}; see the group headers).` : 'the bench\'s own load: no other busy process at the start of any group.') +
      ' Each group\'s own date and load are in its header below.\n\n'
    : '';
  return rows.length ? `## Summary\n\n${when}${table(['figure', 'ratio / value', 'goal (issue 17)'], rows)}\n` : '';
}

export function renderMarkdown(results) {
  const groups = results.groups;
  const parts = [
    '# Benchmarks',
    '',
    'Generated by `npm run bench` (bench/run.mjs; not part of `npm test`) from bench/results.json; hand-written findings at the end',
    'come from bench/findings.md. Every comparison is a ratio of two figures measured side by side in the same run on the same',
    'machine (alternating runs, median after a warm-up), because this 2-core machine is often shared with training jobs and',
    'test suites: ratios are what to read. The summary says whether this run had the machine to itself.',
    '`npm run bench -- --help` lists the options; `--only latency,cold` runs some groups and keeps the others\' last figures.',
    '',
    summary(groups),
    '## Groups',
    '',
  ];
  for (const name of ORDER) {
    const group = groups[name];
    if (!group) continue;
    parts.push(header(group));
    if (group.pending) parts.push(`**Pending:** ${group.pending}\n`);
    else if (group.error) parts.push(`**Failed in this run:**\n\n\`\`\`\n${group.error}\n\`\`\`\n`);
    else parts.push(render[name](group, groups), '');
  }
  const findings = path.join(benchDir, 'findings.md');
  if (existsSync(findings)) parts.push(readFileSync(findings, 'utf8'));
  return `${parts.join('\n').trimEnd()}\n`;
}
