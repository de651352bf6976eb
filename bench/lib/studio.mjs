/**
 * Drives the built app through the UI test contract (DESIGN.md: data-testid file-input, style-<id>,
 * format-<fmt>, run, progress, result, download; ?backend=wasm), like e2e/studio.ts does for tests.
 */
const RESULT_TIMEOUT = 20 * 60_000;

export async function openStudio(context, appUrl, query = 'backend=wasm') {
  const page = await context.newPage();
  await page.goto(`${appUrl}?${query}`);
  await page.getByRole('heading', { name: 'ClipMorph Web' }).waitFor();
  return page;
}

/** Loads a video and waits until the app has probed it; returns the decoder it announced. */
export async function loadVideo(page, file) {
  await page.getByTestId('file-input').setInputFiles(file);
  const info = page.getByTestId('video-info');
  await info.waitFor({ timeout: 120_000 });
  return info.getAttribute('data-decoder');
}

export async function chooseStyle(page, style) {
  if (style.customFile) await page.getByTestId('file-input').setInputFiles(style.customFile);
  else {
    await page.getByTestId(`style-${style.card ?? style.id}`).click();
    if (style.best) {
      // A video's "Best quality" is its own opt-in (the photo's Fast/Best choice is not shown for videos).
      const video = page.getByTestId('video-best');
      if (await video.count()) await video.check();
      else await page.getByTestId('tier-best').check();
    }
  }
}

/** Processing height: 0 = the source's own. */
export async function chooseHeight(page, height) {
  await page.getByLabel(height === 0 ? 'Original' : `${height}p`, { exact: true }).check();
}

/** Clicks Run and waits for the download link; returns wall milliseconds and the result's text. */
export async function runToDownload(page) {
  const previous = await page.evaluate(() => document.querySelector('[data-testid=download]')?.getAttribute('href') ?? null);
  const started = Date.now();
  await page.getByTestId('run').click();
  const handle = await page.waitForFunction(
    (prev) => {
      const error = document.querySelector('[data-testid=error]');
      if (error?.textContent) throw new Error(`app error: ${error.textContent}`);
      const href = document.querySelector('[data-testid=download]')?.getAttribute('href');
      if (!href?.startsWith('blob:') || href === prev) return null;
      return document.querySelector('[data-testid=result]')?.textContent ?? '';
    },
    previous,
    { timeout: RESULT_TIMEOUT, polling: 50 },
  );
  const millis = Date.now() - started;
  const caption = await handle.jsonValue();
  return { millis, caption };
}

/** "… · 25 frames, 1.00 s · 852×480 · … at 0.9 fps · …" -> { frames, width, height, appFps, decoder }. */
export function parseVideoCaption(caption) {
  const number = (re) => {
    const m = caption.match(re);
    return m ? Number(m[1]) : null;
  };
  const size = caption.match(/(\d+)×(\d+)/);
  return {
    frames: number(/(\d+) frames/),
    width: size ? Number(size[1]) : null,
    height: size ? Number(size[2]) : null,
    appFps: number(/at ([\d.]+) fps/),
    decodedWith: caption.match(/Decoded with ([^·]+?) ·/)?.[1] ?? null,
    hasAudio: caption.includes('+ audio'),
  };
}
