import { fileURLToPath } from "node:url";
import { freePort } from "../../src/free-port.js";
import { applyCatalog } from "../checkout.js";
import { type SyncedPortico, startSyncedPortico } from "../sync.js";

/**
 * The server the browser talks to: a real Portico serving the production web build, with
 * the emulator delivering webhooks to it, and a catalog without trials (so checkout answers
 * "Active" at once) applied to its own emulator account.
 */

export const E2E_BILLING_CONFIG = fileURLToPath(new URL("fixtures/billing.json", import.meta.url));

/** A port nobody listens on right now; APP_URL must name it before the server starts. */
export const reservePort = freePort;

/**
 * listen() starts the setup check in the background, on a still empty account. Let it land
 * first: landing after the re-check below, its "prices missing" would close the portal.
 */
async function awaitStartupCheck(t: SyncedPortico): Promise<void> {
  // An empty account always has a problem; no answer within the check's own 5 s timeout
  // means it gave up (Stripe unreachable) and will not land any more.
  const deadline = Date.now() + 6_000;
  while (t.portico.setup.problem("test") === undefined && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function startE2EPortico(): Promise<SyncedPortico> {
  const port = await reservePort();
  // APP_URL is the server's own origin: the portal's and checkout's return URLs must be
  // allowed, and the no-JS form post's Origin must match it.
  const t = await startSyncedPortico({
    env: {
      PORT: String(port),
      APP_URL: `http://127.0.0.1:${port}`,
      PORTICO_CONFIG: E2E_BILLING_CONFIG,
    },
  });
  await awaitStartupCheck(t);
  await applyCatalog(t);
  // The startup check found the account empty; check again now that the catalog exists.
  await t.portico.setup.run();
  if (t.portico.setup.problem("test")) {
    throw new Error(`billing setup incomplete: ${t.portico.setup.problem("test")}`);
  }
  return t;
}
