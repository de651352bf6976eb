#!/usr/bin/env node
/**
 * ClipMorph Web benchmarks (issue 6). Not part of `npm test`.
 *   npm run bench                                  all groups (~15 min on 2 busy cores)
 *   npm run bench -- --only latency,cold           some groups
 *   npm run bench -- --sizes 256,512 --runs 3      options (see `--help`)
 * Writes bench/results.json (merged: groups not run keep their last figures) and BENCHMARKS.md.
 * Type-check the bench page with `npx tsc -p bench/tsconfig.json`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchDir, log, root, run, tmpDir } from './lib/common.mjs';
import { describeMachine } from './lib/machine.mjs';
import { renderMarkdown } from './lib/report.mjs';
import { makeStandIns } from './lib/standins.mjs';
import { makeTestModels } from '../scripts/make-test-models.mjs';

const GROUPS = {
  latency: () => import('./groups/latency.mjs'),
  tuning: () => import('./groups/tuning.mjs'),
  gif: () => import('./groups/gif.mjs'),
  cold: () => import('./groups/cold.mjs'),
  video: () => import('./groups/video.mjs'),
  server: () => import('./groups/server.mjs'),
  memory: () => import('./groups/memory.mjs'),
  int8: () => import('./groups/int8.mjs'),
  overlap: () => import('./groups/overlap.mjs'),
  profile: () => import('./groups/profile.mjs'),
  gifsize: () => import('./groups/gifsize.mjs'),
};
const NEEDS_PAGE = ['latency', 'tuning', 'gif', 'int8'];
const NEEDS_APP = ['cold', 'video', 'memory', 'overlap'];

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    runs: { type: 'string', default: '5' },
    sizes: { type: 'string', default: '256,512,1024' },
    'all-styles': { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    'video-frames': { type: 'string', default: '25,5' },
    'video-runs': { type: 'string', default: '2' },
    'overlap-frames': { type: 'string', default: '24,6' },
    'overlap-runs': { type: 'string', default: '2' },
    report: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(`npm run bench -- [--only ${Object.keys(GROUPS).join(',')}] [--runs 5] [--sizes 256,512,1024]
  [--all-styles] (time every style, not one per tier/variant) [--no-build] (reuse bench/.tmp builds)
  [--video-frames 25,5] (frames of ski.mov for the realtime,quality tiers in the video/server groups)
  [--video-runs 2] (timed jobs per row in the video/server groups, after a warm-up)
  [--overlap-frames 24,6] (frames of ski.mov for the overlap group: pipeline-only and realtime, quality at 456x256; half for quality at 852x480)
  [--overlap-runs 2] (timed rounds per row in the overlap group, serial and overlapped alternating)
  [--report] (only re-render BENCHMARKS.md from bench/results.json and bench/findings.md)`);
  process.exit(0);
}
const resultsFile = path.join(benchDir, 'results.json');
if (values.report) {
  writeFileSync(path.join(root, 'BENCHMARKS.md'), renderMarkdown(JSON.parse(readFileSync(resultsFile, 'utf8'))));
  process.exit(0);
}
const only = values.only ? values.only.split(',').map((s) => s.trim()) : Object.keys(GROUPS);
for (const name of only) if (!GROUPS[name]) throw new Error(`unknown group ${name}; groups: ${Object.keys(GROUPS).join(', ')}`);
const [realtimeFrames, qualityFrames] = values['video-frames'].split(',').map(Number);
const args = {
  runs: Number(values.runs),
  sizes: values.sizes.split(',').map(Number),
  allStyles: values['all-styles'],
  videoFrames: { realtime: realtimeFrames, quality: qualityFrames ?? realtimeFrames },
  videoRuns: Number(values['video-runs']),
  overlapFrames: (([realtime, quality]) => ({ realtime, quality: quality ?? realtime }))(values['overlap-frames'].split(',').map(Number)),
  overlapRuns: Number(values['overlap-runs']),
};
const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;

mkdirSync(tmpDir, { recursive: true });
makeTestModels(path.join(tmpDir, 'test-models'));
const standIns = makeStandIns();
if (standIns.length) log(`no trained ${standIns.join(', ')} model in the manifest: timing random-weight stand-ins for it`);
if (!values['no-build']) {
  if (only.some((g) => NEEDS_PAGE.includes(g))) {
    log('building the bench page (bench/vite.config.ts)');
    run('npx', ['vite', 'build', '--config', 'bench/vite.config.ts']);
  }
  if (only.some((g) => NEEDS_APP.includes(g))) {
    // Its own outDir: other work in this tree builds and serves dist/ at the same time.
    log('building the app into bench/.tmp/app');
    run('npx', ['vite', 'build', '--logLevel', 'warn', '--outDir', path.join(tmpDir, 'app'), '--emptyOutDir']);
  }
}

const results = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : { groups: {} };
const fresh = new Set(); // groups measured by this invocation
for (const name of Object.keys(GROUPS).filter((g) => only.includes(g))) {
  const group = await GROUPS[name]();
  const started = new Date();
  const startedMs = performance.now(); // monotonic: the wall clock may be stepped during a run
  log(`group ${name}: ${group.title}`);
  const machine = describeMachine();
  let figures;
  try {
    figures = await group.measure({ args, results, fresh });
  } catch (error) {
    log(`group ${name} failed:`, error);
    figures = { error: String(error?.stack ?? error).slice(0, 2000) };
  }
  results.groups[name] = {
    title: group.title,
    command,
    date: started.toISOString(),
    seconds: Math.round((performance.now() - startedMs) / 1000),
    machine: { ...machine, loadAverageAfter: describeMachine().loadAverage },
    ...figures,
  };
  if (!figures.error) fresh.add(name);
  // Written after every group, so an interrupted run keeps what it measured.
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(path.join(root, 'BENCHMARKS.md'), renderMarkdown(results));
  log(`group ${name} done in ${results.groups[name].seconds} s`);
}
