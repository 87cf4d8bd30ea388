import { join } from "node:path";
import type { Logger } from "pino";
import { seedDemo } from "../billing/demo-seed.js";
import { checkSetupOffline, listOfflineItems } from "../billing/doctor/setup-checklist.js";
import { HANDLED_EVENT_TYPES } from "../billing/sync/handlers.js";
import type { Config } from "../config.js";
import { createLogger } from "../logger.js";
import { createPorticoService } from "../server.js";
import {
  type EmbeddedEmulator,
  saveEmulatorDefaultPortal,
  startEmbeddedEmulator,
} from "./embedded-emulator.js";
import {
  embeddedWebhookSecretFile,
  embeddedWebhookUrl,
  loadEmbeddedWebhookSecret,
} from "./embedded-webhook-secret.js";
import { loadConfigOrExit } from "./load-config.js";
import { portInUseError } from "./port-in-use.js";
import { removeQuickStartRecord, writeQuickStartRecord } from "./quick-start-record.js";
import { renderStartChecklist } from "./setup-checklist-output.js";
import { ensureWebBuild } from "./web-build.js";

/** The key Portico uses against its own embedded emulator; it guards nothing real. */
const EMBEDDED_STRIPE_KEY = "sk_test_porticoEmbedded";

export async function runStart(options: { webBuild?: boolean } = {}): Promise<void> {
  let config = loadConfigOrExit();
  const logger = createLogger(config);
  // `npm run dev` serves web/ through Vite instead, so it skips the production build.
  if (options.webBuild !== false) await buildWebApp(logger);

  let emulator: EmbeddedEmulator | undefined;
  if (!config.stripe.keys.test && !config.stripe.keys.live) {
    // The emulator delivers its webhooks here, so subscription sync works with no setup.
    const webhookSecret = await loadEmbeddedWebhookSecret(config.dataDir);
    emulator = await startEmbeddedEmulator({
      port: config.stripe.emulatorPort,
      stateFile: join(config.dataDir, "emulator.json"),
      webhook: {
        url: embeddedWebhookUrl(config),
        secretFile: embeddedWebhookSecretFile(config.dataDir),
        account: EMBEDDED_STRIPE_KEY,
      },
    });
    config = useEmbeddedEmulator(config, emulator.url);
    const secrets = config.stripe.webhookSecrets;
    const webhookSecrets = { ...secrets, test: [webhookSecret, ...secrets.test] };
    config = { ...config, stripe: { ...config.stripe, webhookSecrets } };
  }

  const portico = await createPorticoService(config, logger).catch(async (error: unknown) => {
    await emulator?.stop();
    throw error;
  });
  let recorded: Recorded | undefined;
  const shutdown = onceShutdown(logger, async () => {
    await recorded?.close();
    await portico.close();
    await emulator?.stop();
  });
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);

  let demoSeeded: boolean | undefined;
  let port: number;
  try {
    if (emulator) {
      const { database, stripe, accounts, catalog, billingConfig } = portico;
      const seed = await seedDemo({
        db: database.db,
        stripe,
        catalog,
        billingConfig,
        accounts,
        demo: config.demo,
      });
      await saveEmulatorDefaultPortal(
        emulator.url,
        EMBEDDED_STRIPE_KEY,
        seed.portalConfigurationId,
      );
      demoSeeded = seed.created;
    }
    port = await portico.listen();
  } catch (error) {
    // Nothing started here may outlive the command: the embedded database and emulator
    // are processes of their own.
    await portico.close().catch(() => undefined);
    await emulator?.stop().catch(() => undefined);
    throw startError(error, config);
  }
  recorded = await recordForCli(config, port, emulator).catch((error: unknown) => {
    logger.warn({ err: error }, "could not record the setup for the CLI");
    return undefined;
  });
  // Only the offline items: listen() began the Stripe checks, which log what they find.
  const setup = checkSetupOffline({
    config,
    emulator: emulator && {
      url: emulator.url,
      webhookUrl: embeddedWebhookUrl({ host: config.host, port }),
    },
    webhookEvents: HANDLED_EVENT_TYPES,
  });
  const color = Boolean(process.stdout.isTTY && process.stdout.hasColors?.());
  const checklist = renderStartChecklist(listOfflineItems(setup), color);
  printBanner(config, port, checklist, emulator, demoSeeded);
}

/** A port already taken is the usual failure to start: say which, and what to do. */
function startError(error: unknown, config: Config): unknown {
  if ((error as NodeJS.ErrnoException | undefined)?.code !== "EADDRINUSE") return error;
  return portInUseError("Port", { port: config.port, host: config.host, variable: "PORT" }, error);
}

interface Recorded {
  close(): Promise<void>;
}

/**
 * Tells the CLI run in this folder how to reach this server and its emulator, so `portico
 * stripe plan`, `sync` and `events` work beside `npm start` with no environment (the
 * embedded database they find themselves, running, in the data directory). Removed again
 * at shutdown.
 */
async function recordForCli(
  config: Config,
  port: number,
  emulator: EmbeddedEmulator | undefined,
): Promise<Recorded | undefined> {
  if (config.dataDir.startsWith("memory://")) return undefined;
  const host = ["0.0.0.0", "::", ""].includes(config.host) ? "127.0.0.1" : config.host;
  await writeQuickStartRecord(config.dataDir, {
    serverUrl: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    ...(emulator ? { emulator: { url: emulator.url, key: EMBEDDED_STRIPE_KEY } } : {}),
  });
  return { close: () => removeQuickStartRecord(config.dataDir) };
}

/** A failed build leaves the API running; the page then says how to build it. */
async function buildWebApp(logger: Logger) {
  const started = Date.now();
  try {
    if ((await ensureWebBuild()) === "built") {
      logger.info({ ms: Date.now() - started }, "built the web app (web/dist)");
    }
  } catch (error) {
    logger.warn({ err: error }, "could not build the web app; run npm run build:web");
  }
}

function useEmbeddedEmulator(config: Config, url: string): Config {
  const configurations = config.portal.allowedConfigurations;
  return {
    ...config,
    stripe: { ...config.stripe, keys: { test: EMBEDDED_STRIPE_KEY }, apiBase: url },
    portal: {
      allowedConfigurations: configurations.length > 0 ? configurations : ["default"],
      defaultConfiguration: config.portal.defaultConfiguration ?? "default",
    },
  };
}

function onceShutdown(logger: Logger, close: () => Promise<void>) {
  let closing = false;
  return () => {
    if (closing) return;
    closing = true;
    logger.info("shutting down");
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
}

function printBanner(
  config: Config,
  port: number,
  checklist: string,
  emulator: EmbeddedEmulator | undefined,
  seeded?: boolean,
) {
  const base = `http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${port}`;
  const lines = [`Portico is running on ${base}`];
  // APP_URL's origin, not the bind address: return URLs must be on it.
  lines.push(`Billing page: ${new URL("/settings/billing", config.appUrl).href}`);
  if (emulator) {
    lines.push(
      `Stripe emulator (no STRIPE_SECRET_KEY set) on ${emulator.url}`,
      seeded
        ? "Seeded the demo account and catalog."
        : "Reusing the demo data from an earlier start.",
      "",
      `Demo account: ${config.demo.email} / ${config.demo.password}`,
      "",
      "Try it:",
      `  TOKEN=$(curl -s ${base}/api/auth/login -H 'content-type: application/json' \\`,
      `    -d '{"email":"${config.demo.email}","password":"${config.demo.password}"}' | sed -E 's/.*"token":"([^"]+)".*/\\1/')`,
      `  curl -s ${base}/api/billing/portal -H "authorization: Bearer $TOKEN" \\`,
      `    -H 'content-type: application/json' -d '{"returnUrl":"${config.appUrl}/settings/billing"}'`,
    );
  }
  lines.push("", checklist, "", "Press Ctrl-C to stop.");
  console.log(lines.join("\n"));
}
