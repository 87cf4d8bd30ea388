import { type Browser, chromium } from "playwright-core";

/** Debian's Chromium, installed by `.ci/run` with apt; Playwright never downloads a browser here. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** A headless Chromium with the flags this sandbox needs (no network beyond loopback). */
export function launchBrowser(): Promise<Browser> {
  // Playwright gives every launch a fresh temporary profile of its own.
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}
