#!/usr/bin/env node
/** Renders public/icon.svg to the PNG sizes install prompts ask for (run by hand; outputs are committed). */
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';

const svg = readFileSync('public/icon.svg', 'utf8');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-background-networking'] });
const page = await browser.newPage();
for (const [size, maskable] of [[192, false], [512, false], [512, true], [180, false]]) {
  // Maskable icons keep their artwork inside the central 80% safe zone, on a full-bleed background.
  const inner = maskable ? Math.round(size * 0.7) : size;
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(`<body style="margin:0;background:#14161c;display:grid;place-items:center;height:${size}px">
    <div style="width:${inner}px;height:${inner}px">${svg.replace('<svg ', `<svg width="${inner}" height="${inner}" `)}</div></body>`);
  const name = size === 180 ? 'apple-touch-icon.png' : `icon-${size}${maskable ? '-maskable' : ''}.png`;
  await page.screenshot({ path: `public/icons/${name}`, omitBackground: false });
  console.log(`public/icons/${name}`);
}
await browser.close();
