/**
 * Chromium for the admin frame's browser tests and benchmarks (see ../browser/chromium.ts for
 * the launch), with contexts that look like a person's desktop Chrome.
 */
import type { Browser, BrowserContext } from "playwright-core";
import { launchChromium as launchBrowser } from "../browser/chromium.ts";

export interface Chromium {
  browser: Browser;
  /** A context that looks like a person's desktop Chrome (Shopify's library refuses bots). */
  newContext(opts?: { width?: number; height?: number }): Promise<BrowserContext>;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Chromium> {
  const browser = await launchBrowser();
  const version = browser.version();
  const userAgent = `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${version} Safari/537.36`;
  return {
    browser,
    newContext: (o = {}) => browser.newContext({ viewport: { width: o.width ?? 1440, height: o.height ?? 960 }, userAgent, deviceScaleFactor: 1 }),
    close: () => browser.close(),
  };
}
