import { existsSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";

/**
 * Debian's Chromium (`apt-get install -y chromium`) driven by playwright-core, headless,
 * with the flags these offline machines need (no background networking, no QUIC). Playwright
 * gives every launch a fresh temporary profile and removes it on close.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\` (CI's .ci/run does).`);
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
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
  });
  return browser;
}

/** Where browser tests save screenshots (gitignored). */
export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, "../../../.artifacts/screenshots");
