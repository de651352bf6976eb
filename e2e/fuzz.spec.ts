/**
 * The seeded mutation fuzzer (issue 16). Mutants of tiny shared media (scripts/fuzz-mutate.mjs) go
 * through the real UI on one page: open (probe), and when accepted, a style run with the tiny test
 * model (decode -> model -> encode). Pass: every mutant settles within its bound with either a
 * result or a specific alert (never the generic "Something went wrong"), no uncaught page error or
 * console error, no crashed worker, no growing worker count, and a probe job succeeds every
 * PROBE_EVERY mutants and at the end. `npm run fuzz -- --seed N --count M` runs more and saves each
 * mutant that failed as e2e/fixtures/regressions/<name>, which the first test here replays.
 */
import { expect, test, type ConsoleMessage, type Page } from '@playwright/test';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeBases, makeMutants } from '../scripts/fuzz-mutate.mjs';
import { makeTestModels } from '../scripts/make-test-models.mjs';
import { probeMedia, sharedDir, VideoStudio } from './studio';

test.skip(!existsSync(sharedDir), `needs the shared media fixtures in ${sharedDir}`);

const SEED = Number(process.env.FUZZ_SEED ?? 1);
const COUNT = Number(process.env.FUZZ_COUNT ?? 200);
/** Where `npm run fuzz` saves failing mutants; unset in `npm test`, which only reports them. */
const SAVE = process.env.FUZZ_SAVE;
const PROBE_EVERY = 25;
const OPEN_BOUND = 15_000;
const RUN_BOUND = 20_000;
const regressions = path.resolve(import.meta.dirname, 'fixtures/regressions');

interface Mutant {
  name: string;
  mime: string;
  bytes: Buffer;
}

type Outcome = { kind: 'refused' | 'result' | 'run-error'; message: string; ms: number };

/** What the named regressions must give now (others: any clean outcome). */
const EXPECTED: Record<string, { kind?: Outcome['kind']; message: unknown }> = {
  'webm-zeroed-element-size-hangs-demuxer.webm': { kind: 'refused', message: expect.stringMatching(/could not be opened: reading it got stuck, so the file looks damaged/) },
  'mp4-damaged-audio-index.mp4': { kind: 'result', message: '' },
  'avi-splice-crashes-ffmpeg-core.avi': { kind: 'run-error', message: expect.stringMatching(/ffmpeg\.wasm could not decode "avi-splice-crashes-ffmpeg-core\.avi" \(.+\): the file looks damaged/) },
  // The avi-*-crashes-ffmpeg-core.avi files crashed the core only after other damaged files had run
  // in the same instance (its heap was already hurt): alone they may decode. Any clean outcome passes.
};

const MIME: Record<string, string> = { mp4: 'video/mp4', webm: 'video/webm', ts: 'video/mp2t', avi: 'video/x-msvideo', png: 'image/png', jpg: 'image/jpeg' };

/** Drives one file through the UI; throws an Error naming the problem when a pass condition fails. */
class Fuzzer {
  readonly studio: VideoStudio;
  private problems: string[] = [];
  private maxWorkers = 0;
  private cores: number | undefined;
  private imageSizeSet = false;

  constructor(
    readonly page: Page,
    private readonly models: string,
    private readonly video: Buffer,
  ) {
    this.studio = new VideoStudio(page);
    page.on('pageerror', (error) => this.problems.push(`uncaught error: ${error.message}`));
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'error') this.problems.push(`console error: ${message.text()}`);
    });
    page.on('crash', () => this.problems.push('the page crashed'));
  }

  async open() {
    this.imageSizeSet = false;
    await this.studio.open('backend=wasm');
    await this.studio.chooseFile(path.join(this.models, 'tiny-style.onnx'));
    await expect(this.page.getByTestId('style-custom')).toHaveAttribute('aria-checked', 'true');
    // Videos at their own size (64 px), not upscaled to the default 480p: upscaling only costs time.
    // A reload restores the last input (a mutant, maybe re-probed by ffmpeg.wasm): wait for ours.
    await this.studio.chooseFile({ name: 'first.mp4', mimeType: 'video/mp4', buffer: this.video });
    await expect(this.page.getByTestId('video-info').filter({ hasText: 'first.mp4:' })).toHaveAttribute('data-decoder', 'webcodecs', { timeout: 120_000 });
    await this.studio.chooseHeight(0);
  }

  /**
   * At most the two task workers (photo, video), one ffmpeg.wasm worker and ONNX Runtime's WASM
   * thread pools (one per task worker, up to one thread a core): more means one leaked.
   */
  private async checkWorkers() {
    this.cores ??= await this.page.evaluate(() => navigator.hardwareConcurrency);
    // A worker just terminated (cancel, a new input) leaves the list a moment later: a leak stays.
    for (let attempt = 0; ; attempt++) {
      const urls = this.page.workers().map((w) => w.url().split('/').pop() ?? '');
      const count = (pattern: RegExp) => urls.filter((u) => pattern.test(u)).length;
      const [task, ort] = [count(/^task\.worker/), count(/^ort-wasm/)];
      const other = urls.length - task - ort;
      if (task <= 2 && ort <= 2 * this.cores && other <= 1) {
        this.maxWorkers = Math.max(this.maxWorkers, urls.length);
        return;
      }
      if (attempt === 10) {
        this.problems.push(`workers leaked: ${urls.join(', ')}`);
        return;
      }
      await this.page.waitForTimeout(500);
    }
  }

  get workersSeen() {
    return this.maxWorkers;
  }

  async dismiss() {
    const dismiss = this.page.getByRole('button', { name: 'Dismiss error' });
    if (await dismiss.isVisible()) await dismiss.click();
    await expect(this.studio.error()).toHaveCount(0);
  }

  private async alertText(): Promise<string | null> {
    return (await this.studio.error().count()) ? ((await this.studio.error().locator('p').textContent()) ?? '') : null;
  }

  private specific(message: string, name: string) {
    if (/Something went wrong|worker crashed/.test(message)) this.problems.push(`unspecific alert: ${message}`);
    else if (!message.includes(name) && !/ffmpeg|file|video|image|photo/i.test(message)) this.problems.push(`alert does not say what failed: ${message}`);
  }

  /** Opens `file`, runs the style job when it is accepted, and returns what happened. */
  async attempt(file: Mutant, openBound = OPEN_BOUND): Promise<Outcome> {
    const started = Date.now();
    this.problems = [];
    await this.dismiss();
    const { page, studio } = this;
    await studio.chooseFile({ name: file.name, mimeType: file.mime, buffer: file.bytes });
    const shown = page.getByTestId('video-info').filter({ hasText: `${file.name}:` }).or(page.getByAltText(`Your photo: ${file.name}`));
    let outcome: Outcome;
    try {
      await shown.or(studio.error()).first().waitFor({ timeout: openBound }); // waitFor watches the page; expect() polls with backoff
    } catch {
      this.problems.push(`no answer within ${openBound / 1000} s of opening`);
    }
    const refused = await this.alertText();
    if (this.problems.length > 0) outcome = { kind: 'refused', message: 'hang', ms: Date.now() - started };
    else if (refused !== null) {
      this.specific(refused, file.name);
      outcome = { kind: 'refused', message: refused, ms: Date.now() - started };
    } else {
      // Process at the source's own size (64 px): upscaling to the default 480p / 512 px only costs time.
      if (!this.imageSizeSet && (await page.getByAltText(`Your photo: ${file.name}`).count())) {
        await page.getByLabel('Original', { exact: true }).check();
        this.imageSizeSet = true;
      }
      await studio.run();
      try {
        await page.getByTestId('download').or(studio.error()).first().waitFor({ timeout: RUN_BOUND });
      } catch {
        this.problems.push(`no result or alert within ${RUN_BOUND / 1000} s of Run`);
        if (await page.getByTestId('cancel').isVisible()) await page.getByTestId('cancel').click();
      }
      const failed = await this.alertText();
      if (failed !== null) {
        // A partial result comes with a warning; both are fine if the warning is specific.
        this.specific(failed, file.name);
        outcome = { kind: (await page.getByTestId('download').count()) ? 'result' : 'run-error', message: failed, ms: Date.now() - started };
      } else outcome = { kind: 'result', message: '', ms: Date.now() - started };
    }
    await this.checkWorkers();
    if (this.problems.length > 0) throw new Error(`${file.name}: ${this.problems.join('; ')}`);
    return outcome;
  }

  /** A known-good tiny video through the whole pipeline: the app must still work. */
  async probe(bases: Mutant[], n: number, dir: string) {
    const good = bases.find((b) => b.name === 'tiny.mp4')!;
    const outcome = await this.attempt({ ...good, name: `probe-${n}.mp4` }, 60_000);
    expect(outcome, `probe job ${n} after mutants`).toMatchObject({ kind: 'result', message: '' });
    const { file } = await this.studio.saveDownload(dir);
    expect(probeMedia(file).frames).toBe(5);
  }
}

test.beforeEach(({}, info) => {
  makeTestModels(info.outputPath('models'));
});

test('fuzz regressions: every saved mutant that once found a bug now settles cleanly', async ({ page }, info) => {
  const files = existsSync(regressions) ? readdirSync(regressions).filter((f) => !f.startsWith('.') && !f.endsWith('.md')) : [];
  test.skip(files.length === 0, 'no regression fixtures saved');
  test.setTimeout(60_000 + files.length * 30_000);
  const bases = makeBases(info.outputPath('bases')).map((b) => ({ ...b, bytes: Buffer.from(b.bytes) }));
  const fuzzer = new Fuzzer(page, info.outputPath('models'), bases.find((b) => b.name === 'tiny.mp4')!.bytes);
  await fuzzer.open();
  for (const name of files) {
    const outcome = await fuzzer.attempt({ name, mime: MIME[name.split('.').pop()!] ?? 'application/octet-stream', bytes: readFileSync(path.join(regressions, name)) });
    console.log(`${name}: ${outcome.kind} ${outcome.message.slice(0, 100)}`);
    if (EXPECTED[name]) expect(outcome).toMatchObject(EXPECTED[name]);
  }
  // ffmpeg.wasm still decodes after the files that crashed it (a fresh core), and WebCodecs too.
  const avi = bases.find((b) => b.name === 'tiny.avi')!;
  expect(await fuzzer.attempt({ ...avi, name: 'after.avi' }, 60_000)).toMatchObject({ kind: 'result', message: '' });
  await fuzzer.probe(bases, 0, info.outputPath('probe'));
});

test(`seeded fuzz: ${COUNT} mutants of the shared media (seed ${SEED})`, async ({ page }, info) => {
  test.setTimeout(120_000 + COUNT * 3_000);
  const bases = makeBases(info.outputPath('bases')).map((b) => ({ ...b, bytes: Buffer.from(b.bytes) }));
  const mutants: Mutant[] = makeMutants(bases, SEED, COUNT);
  const fuzzer = new Fuzzer(page, info.outputPath('models'), bases.find((b) => b.name === 'tiny.mp4')!.bytes);
  await fuzzer.open();
  // Warm up both decode paths (WebCodecs, ffmpeg.wasm) so the bounds measure the mutants, not a first load.
  await fuzzer.probe(bases, 0, info.outputPath('probe'));
  const avi = bases.find((b) => b.name === 'tiny.avi')!;
  expect(await fuzzer.attempt({ ...avi, name: 'warm-up.avi' }, 120_000)).toMatchObject({ kind: 'result' });

  const failures: string[] = [];
  const times: string[] = [];
  const tally: Record<string, number> = { refused: 0, result: 0, 'run-error': 0 };
  const started = Date.now();
  for (const [i, mutant] of mutants.entries()) {
    try {
      const outcome = await fuzzer.attempt(mutant);
      tally[outcome.kind]++;
      times.push(`${outcome.ms} ${mutant.name} ${outcome.kind}`);
    } catch (error) {
      failures.push((error as Error).message);
      console.log(`FAILED ${(error as Error).message}`);
      if (SAVE) {
        mkdirSync(SAVE, { recursive: true });
        writeFileSync(path.join(SAVE, mutant.name), mutant.bytes);
      }
      // Start clean so one failure does not cascade into the next mutants.
      await fuzzer.open();
    }
    if ((i + 1) % PROBE_EVERY === 0) await fuzzer.probe(bases, i + 1, info.outputPath('probe'));
  }
  await fuzzer.probe(bases, COUNT, info.outputPath('probe'));
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  console.log(
    `fuzz seed ${SEED}: ${COUNT} mutants in ${seconds} s: ${tally.refused} refused at open, ${tally.result} ran to a result, ${tally['run-error']} stopped with an alert; ${failures.length} failures; at most ${fuzzer.workersSeen} workers alive`,
  );
  if (process.env.FUZZ_VERBOSE) console.log(times.join('\n'));
  expect(failures).toEqual([]);
});
