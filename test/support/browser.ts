/**
 * Headless Chromium for browser tests, driven by playwright-core with every
 * background service that could reach the network off. The binary is the one
 * `npm ci` installs inside `@sparticuz/chromium` (unpacked to the temp folder
 * on first use), so the tests need nothing but npm; `CHROMIUM_PATH` points
 * them at another build, such as a system Chromium.
 */
import bundledChromium from '@sparticuz/chromium';
import { Browser, Page, chromium } from 'playwright-core';

export async function chromiumExecutable(): Promise<string> {
  return process.env.CHROMIUM_PATH ?? bundledChromium.executablePath();
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: await chromiumExecutable(),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

/** A page that records what a test asserts on: console errors, uncaught errors and every request URL. */
export interface WatchedPage {
  page: Page;
  errors: string[];
  requests: string[];
}

export async function openWatchedPage(
  browser: Browser,
  viewport = { width: 1400, height: 1000 },
): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport });
  const watched: WatchedPage = { page, errors: [], requests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') watched.errors.push(message.text());
  });
  page.on('pageerror', (error) => watched.errors.push(error.message));
  page.on('request', (request) => watched.requests.push(request.url()));
  return watched;
}

/** The part of a canvas this file uses; the project compiles without the DOM typings. */
interface CanvasLike {
  width: number;
  height: number;
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
  } | null;
}

/** How many pixels of a canvas are not fully transparent: 0 means nothing was drawn. */
export function inkedPixels(page: Page, selector: string): Promise<number> {
  return page.$eval(selector, (canvas) => {
    const element = canvas as unknown as CanvasLike;
    const context = element.getContext('2d');
    if (!context) return 0;
    const { data } = context.getImageData(0, 0, element.width, element.height);
    let inked = 0;
    for (let alpha = 3; alpha < data.length; alpha += 4) if (data[alpha] > 0) inked += 1;
    return inked;
  });
}
