import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import { launchBrowser } from "../browser.js";
import type { SyncedPortico } from "../sync.js";
import { type BrowserSession, openBrowserSession } from "./browser-session.js";
import { startE2EPortico } from "./portico-server.js";

/**
 * A test file's Portico and Chromium, started once for the file, and a way to run each
 * test in its own browser context. Every session must stay on this machine and raise no
 * uncaught error or CSP violation, whatever the test itself checks.
 */
export function setUpE2EEnvironment() {
  let server: SyncedPortico | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2EPortico(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  return {
    get t(): SyncedPortico {
      if (!server) throw new Error("the e2e server is not started");
      return server;
    },
    async inBrowser(
      test: string,
      run: (session: BrowserSession) => Promise<void>,
      options: Parameters<typeof openBrowserSession>[2] = {},
    ): Promise<void> {
      if (!browser) throw new Error("the e2e browser is not started");
      const session = await openBrowserSession(browser, test, options);
      try {
        await run(session);
        expect(session.foreignRequests, "requests to other hosts").toEqual([]);
        expect(session.pageProblems, "page errors").toEqual([]);
      } finally {
        await session.close();
      }
    },
  };
}
