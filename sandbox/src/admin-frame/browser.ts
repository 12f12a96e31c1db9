/**
 * Chromium for browser tests and benchmarks: Debian's /usr/bin/chromium driven by
 * playwright-core, headless, with the flags that keep it from reaching out to the internet.
 */
import { chromium, type Browser, type BrowserContext } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

export interface Chromium {
  browser: Browser;
  /** A context that looks like a person's desktop Chrome (Shopify's library refuses bots). */
  newContext(opts?: { width?: number; height?: number }): Promise<BrowserContext>;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Chromium> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    // playwright gives every launch a fresh, temporary user data dir.
  });
  const version = browser.version();
  const userAgent = `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${version} Safari/537.36`;
  return {
    browser,
    newContext: (o = {}) => browser.newContext({ viewport: { width: o.width ?? 1440, height: o.height ?? 960 }, userAgent, deviceScaleFactor: 1 }),
    close: () => browser.close(),
  };
}
