/**
 * Issue 18, a studio that fits a phone: at 390x844, once a photo is loaded, the file picker, the
 * run button are on the first screen, the style strip is one short scroll away (never past the
 * whole gallery), and nothing overflows sideways. LAYOUT_DOCS=1 also writes docs/layout-phone.png,
 * docs/layout-phone-styles.png and docs/layout-desktop.png (1366x900).
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { mediaPath, sharedDir, Studio } from './studio';

test.skip(!existsSync(sharedDir), `needs the shared media fixtures in ${sharedDir}`);

const docs = process.env.LAYOUT_DOCS ? path.resolve(import.meta.dirname, '..', 'docs') : null;

async function expectNoAxeViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** Wholly inside the first screen (page not scrolled), and the topmost thing at its centre: not hidden under another element. */
async function expectOnFirstScreen(locator: Locator, viewport: { width: number; height: number }) {
  const box = await locator.boundingBox();
  expect(box, 'element is rendered').not.toBeNull();
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height);
  expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width);
  const onTop = await locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
    return hit !== null && (el === hit || el.contains(hit) || hit.contains(el) || (el.closest('label')?.contains(hit) ?? false));
  });
  expect(onTop, 'not covered by another element').toBe(true);
}

/** The header's backend badge and its three buttons, left to right. */
function headerControls(page: Page): Locator[] {
  return [page.locator('header').getByText(/^Runs on .+/), page.getByTestId('open-gallery'), page.getByRole('button', { name: 'Camera', exact: true }), page.getByRole('button', { name: 'Models', exact: true })];
}

/**
 * Words of the style tiles' titles that the tile breaks across lines ("Compositi|on"): the tile
 * column must be wide enough for each title word whole, at that viewport.
 */
async function brokenTitleWords(page: Page): Promise<string[]> {
  return page.getByRole('radiogroup', { name: 'Style', exact: true }).evaluate((group) => {
    const broken: string[] = [];
    for (const tile of group.querySelectorAll('[role=radio]')) {
      const title = tile.children[1];
      const text = title?.firstChild;
      if (!text || text.nodeType !== Node.TEXT_NODE) continue;
      const value = text.textContent ?? '';
      for (const m of value.matchAll(/\S+/g)) {
        const range = document.createRange();
        range.setStart(text, m.index!);
        range.setEnd(text, m.index! + m[0].length);
        const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (tops.size > 1) broken.push(m[0]);
      }
    }
    return broken;
  });
}

test('phone 390x844: picker and run button on the first screen once a photo is loaded, style strip one short scroll away; then desktop 1366x900', async ({ page }) => {
  const phone = { width: 390, height: 844 };
  await page.setViewportSize(phone);
  const studio = new Studio(page);
  await studio.open('backend=wasm');
  await studio.chooseFile(mediaPath('starry_in.png'));
  await expect(page.getByText('Current:')).toContainText('starry_in.png');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForLoadState('networkidle');

  await expectOnFirstScreen(page.getByTestId('run'), phone);
  await expect(page.getByTestId('run')).toBeEnabled();
  await expectOnFirstScreen(page.locator('label', { has: page.getByTestId('file-input') }), phone);
  // The gallery is one horizontal strip: short, and its first styles in view without scrolling the page.
  const gallery = page.getByRole('radiogroup', { name: 'Style', exact: true });
  const strip = (await gallery.boundingBox())!;
  expect(strip.height).toBeLessThan(180);
  expect(await gallery.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  // The whole strip ends within a short scroll (the photo sits above it), never two screens down.
  expect(strip.y + strip.height).toBeLessThan(phone.height * 1.3);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
  expect(await brokenTitleWords(page), 'title words broken across lines in the phone strip').toEqual([]);
  // The header's backend badge and its three buttons share one row, inside the screen.
  const controls = headerControls(page);
  const boxes = await Promise.all(controls.map(async (c) => (await c.boundingBox())!));
  for (const box of boxes) {
    expect(Math.abs(box.y + box.height / 2 - (boxes[0].y + boxes[0].height / 2)), 'header controls on one row').toBeLessThan(4);
    expect(box.x + box.width).toBeLessThanOrEqual(phone.width);
  }
  if (docs) await page.screenshot({ path: path.join(docs, 'layout-phone.png') });
  // One short scroll brings the strip into view; the run button stays where it was.
  await gallery.evaluate((el) => el.scrollIntoView({ block: 'nearest' }));
  expect(await page.evaluate(() => window.scrollY)).toBeLessThan(phone.height / 2);
  await expectOnFirstScreen(gallery.getByRole('radio').first(), phone);
  await expectOnFirstScreen(page.getByTestId('run'), phone);
  if (docs) await page.screenshot({ path: path.join(docs, 'layout-phone-styles.png') });

  // Choose a style and run, with no scroll in between: the job runs from the fixed bar.
  await gallery.getByRole('radio').nth(1).click();
  await expect(gallery.getByRole('radio').nth(1)).toHaveAttribute('aria-checked', 'true');
  await studio.run();
  await studio.waitForResult();
  await expectOnFirstScreen(page.getByTestId('run'), phone);
  await expectNoAxeViolations(page);

  // Desktop: two columns, the whole gallery and the run button on one screen.
  const desktop = { width: 1366, height: 900 };
  await page.setViewportSize(desktop);
  await page.evaluate(() => window.scrollTo(0, 0));
  await expectOnFirstScreen(page.getByTestId('run'), desktop);
  await expectOnFirstScreen(gallery.getByRole('radio').last(), desktop);
  await expectNoAxeViolations(page);
  if (docs) await page.screenshot({ path: path.join(docs, 'layout-desktop.png') });
});

test('desktop 1280x900: the header keeps its controls in one row at the right on every task; the job bar asks for a file only while there is none', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  const studio = new Studio(page);
  await studio.open('backend=wasm');
  const hint = page.getByText(/^Choose a photo( or video)? to start\.$/);
  await expect(hint).toHaveText('Choose a photo or video to start.');
  // Every style tile holds its thumbnail and title inside its edge…
  for (const tile of await page.getByRole('radiogroup', { name: 'Style', exact: true }).getByRole('radio').all()) {
    const overflow = await tile.evaluate((el) => Math.max(...[...el.children].map((c) => c.getBoundingClientRect().right)) - el.getBoundingClientRect().right);
    expect(overflow, `${await tile.getAttribute('aria-label') ?? await tile.innerText()}: contents past the tile's edge`).toBeLessThanOrEqual(0);
  }
  // …and the column is wide enough that no title word breaks at all ("Compositi|on", "Watercolo|ur").
  expect(await brokenTitleWords(page), 'title words broken across lines in the gallery').toEqual([]);
  const picker = page.locator('label', { has: page.getByTestId('file-input') });
  await expect(picker).toHaveText('Choose photos or a video');
  await page.getByTestId('task-caption').click();
  await expect(hint).toHaveText('Choose a photo to start.'); // captions take photos only: the picker says so too
  await expect(picker).toHaveText('Choose photos');
  expect(await page.getByTestId('file-input').getAttribute('accept')).not.toMatch(/video|mkv/);
  await expect(page.getByText(/any size, one or many\.$/)).toBeVisible();
  await page.getByTestId('task-style').click();
  await studio.chooseFile(mediaPath('starry_in.png'));
  await expect(page.getByText('Current:')).toContainText('starry_in.png');
  await expect(hint).toHaveCount(0);

  const header = page.locator('header');
  const controls = headerControls(page);
  for (const task of ['style', 'depth', 'caption', 'walk']) {
    await page.getByTestId(`task-${task}`).click();
    await expect(page.getByTestId(`task-${task}`)).toHaveAttribute('aria-pressed', 'true');
    const boxes = await Promise.all(controls.map(async (c) => (await c.boundingBox())!));
    const headerBox = (await header.boundingBox())!;
    for (let i = 1; i < boxes.length; i++) {
      // Side by side, in order, a small gap apart, on one row (centres level): not spread over the width.
      const gap = boxes[i].x - (boxes[i - 1].x + boxes[i - 1].width);
      expect(gap, `${task}: gap before control ${i}`).toBeGreaterThanOrEqual(0);
      expect(gap, `${task}: gap before control ${i}`).toBeLessThanOrEqual(16);
      expect(Math.abs(boxes[i].y + boxes[i].height / 2 - (boxes[0].y + boxes[0].height / 2)), task).toBeLessThan(4);
    }
    const last = boxes[boxes.length - 1];
    expect(headerBox.x + headerBox.width - (last.x + last.width), `${task}: controls end at the right`).toBeLessThan(2);
    // Nothing in the settings (a model file's long path) is wider than their column.
    const settings = page.getByRole('complementary', { name: 'Settings' });
    expect(await settings.evaluate((el) => el.scrollWidth - el.clientWidth), `${task}: settings wider than their column`).toBeLessThanOrEqual(0);
  }
  // Depth with a photo chosen but no depth model in this build: Run stays off, and the settings say
  // why; the job bar does not ask for a file that is already there.
  await page.getByTestId('task-depth').click();
  await expect(page.getByText(/No depth model is listed/)).toBeVisible();
  await expect(page.getByTestId('run')).toBeDisabled();
  await expect(hint).toHaveCount(0);
});
