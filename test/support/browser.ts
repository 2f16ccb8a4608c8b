// Chromium for end-to-end tests, through playwright-core and Debian's /usr/bin/chromium. Without
// Chromium the browser tests skip with a loud notice — unless REQUIRE_E2E=1, when they fail.
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from './template';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const chromiumAvailable = existsSync(CHROMIUM_PATH);

if (!chromiumAvailable) {
  const message = `Chromium not found at ${CHROMIUM_PATH}: browser end-to-end tests are SKIPPED. Install it with: apt-get install -y chromium`;
  if (process.env.REQUIRE_E2E === '1') throw new Error(`REQUIRE_E2E=1 but ${message}`);
  console.warn(`\n${'!'.repeat(100)}\n!! ${message}\n${'!'.repeat(100)}\n`);
}

/** A fresh browser profile per call (a new persistent context in its own directory). */
export async function openBrowser(options: { viewport?: { width: number; height: number } } = {}): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'settle-chromium-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: options.viewport ?? { width: 1280, height: 800 },
  });
}

/** Screenshots land in .screenshots/ (git-ignored) so a person can look at what the test saw. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = join(ROOT, '.screenshots');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
