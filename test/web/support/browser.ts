// One headless Debian Chromium per suite, driven by playwright-core, which never downloads a browser of its own.
// Suites skip with a clear line when no browser binary exists (install: apt-get install -y chromium).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env['LH_CHROMIUM'] ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test-artifacts/screenshots');
export const PHONE = { width: 390, height: 844 } as const;
export const DESKTOP = { width: 1280, height: 900 } as const;

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

/** Call first in a suite's `before`: skips the suite (with the reason) when there is no browser. */
export function skipWithoutChromium(ctx: Mocha.Context): void {
  if (!chromiumAvailable()) {
    console.log(`    (skipped: no Chromium at ${CHROMIUM}; install it with \`apt-get install -y chromium\` or set LH_CHROMIUM)`);
    ctx.skip();
  }
}

export interface TestBrowser {
  readonly context: BrowserContext;
  /** A new tab at the given viewport; errors on the page fail the test through `pageErrors`. */
  page(viewport?: { width: number; height: number }): Promise<Page>;
  readonly pageErrors: string[];
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'lh-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
    ],
    viewport: DESKTOP,
  });
  const pageErrors: string[] = [];
  return {
    context,
    pageErrors,
    async page(viewport = DESKTOP) {
      const page = await context.newPage();
      await page.setViewportSize(viewport);
      page.on('pageerror', (e) => pageErrors.push(e.message));
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Whether the page scrolls sideways (it must not, on a phone). */
export async function overflowsHorizontally(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
}
