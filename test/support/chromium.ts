/**
 * The browser of the e2e tests: the Chromium that @sparticuz/chromium carries compressed in
 * node_modules (unpacked to the temp dir on first use), driven by playwright-core. `npm ci` brings
 * it, so the browser tests need no system package and never download a browser.
 */
import chromium from '@sparticuz/chromium';
import { chromium as playwright, type BrowserContext } from 'playwright-core';

/** Flags of the package's Lambda defaults that would weaken what the tests check (same-origin, mixed content). */
const WEAKENING = new Set(['--disable-web-security', '--allow-running-insecure-content']);

/** Unpacks the browser (once; later calls find it) and returns its path. */
export function chromiumPath(): Promise<string> {
  return chromium.executablePath();
}

/** A headless Chromium with a fresh profile in `profileDir`. */
export async function launchChromium(profileDir: string, options: { javaScriptEnabled?: boolean; deviceScaleFactor?: number } = {}): Promise<BrowserContext> {
  return playwright.launchPersistentContext(profileDir, {
    executablePath: await chromiumPath(),
    headless: true,
    args: [...chromium.args.filter((a) => !WEAKENING.has(a)), '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
    ...options,
  });
}
