import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { existsSync } from 'node:fs';
import { mediaPath, sharedDir, Studio } from './studio';

test.skip(!existsSync(sharedDir), `needs the shared media fixtures in ${sharedDir}`);

async function expectNoAxeViolations(page: import('@playwright/test').Page) {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

test('no WCAG 2.1 AA violations (names, roles, contrast) before and after a job, on desktop and phone widths', async ({ page }) => {
  for (const viewport of [{ width: 1280, height: 900 }, { width: 375, height: 740 }]) {
    await page.setViewportSize(viewport);
    const studio = new Studio(page);
    await studio.open('backend=wasm');
    await expectNoAxeViolations(page);
    await studio.chooseFile(mediaPath('starry_in.png'));
    await studio.run();
    await studio.waitForResult();
    await expectNoAxeViolations(page);
    // Nothing overflows sideways on a narrow screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
  }
});

test('the whole job can be done with the keyboard alone', async ({ page }) => {
  const studio = new Studio(page);
  await studio.open('backend=wasm');
  // Past the header's controls (Models) and the task switcher, the file picker is the next stop.
  const picker = page.getByTestId('file-input');
  for (let stops = 0; stops < 10 && !(await picker.evaluate((el) => el === document.activeElement)); stops++) await page.keyboard.press('Tab');
  await expect(picker).toBeFocused();
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Space')]);
  await chooser.setFiles(mediaPath('starry_in.png'));

  // Into the style gallery: arrow keys move the selection like any radio group.
  const gallery = page.getByRole('radiogroup', { name: 'Style' });
  const radios = gallery.getByRole('radio');
  const count = await radios.count();
  await radios.first().focus();
  await page.keyboard.press('ArrowRight');
  await expect(radios.nth(count > 1 ? 1 : 0)).toHaveAttribute('aria-checked', 'true');
  await expect(radios.nth(count > 1 ? 1 : 0)).toBeFocused();

  await page.getByTestId('run').focus();
  await page.keyboard.press('Enter');
  await studio.waitForResult();
  await page.getByTestId('download').focus();
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  expect(download.suggestedFilename()).toMatch(/^starry_in-[a-z0-9-]+\.png$/);
});
