import { join } from "node:path";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { createLogger } from "../logger.js";
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

/**
 * The server's modules, loaded once the emulator is on its way: loading them is most of a
 * warm start, and the emulator (a process of its own) gets ready in the meantime.
 */
async function loadServerModules() {
  const [server, demo, checklist, handlers] = await Promise.all([
    import("../server.js"),
    import("../billing/demo-seed.js"),
    import("../billing/doctor/setup-checklist.js"),
    import("../billing/sync/handlers.js"),
  ]);
  return {
    createPorticoService: server.createPorticoService,
    seedDemo: demo.seedDemo,
    checkSetupOffline: checklist.checkSetupOffline,
    listOfflineItems: checklist.listOfflineItems,
    handledEventTypes: handlers.HANDLED_EVENT_TYPES,
  };
}

export async function runStart(options: { webBuild?: boolean } = {}): Promise<void> {
  let config = loadConfigOrExit();
  const logger = createLogger(config);

  // Without a Stripe key, the emulator: started first, it gets ready while the web app is
  // checked and the server's modules load.
  const launched =
    !config.stripe.keys.test && !config.stripe.keys.live ? await launchEmulator(config) : undefined;
  const emulatorStarting = launched?.starting;
  // Whichever part started may not outlive a failed start: the emulator is its own process.
  const stopEmulator = () =>
    emulatorStarting?.then(
      (emulator) => emulator.stop(),
      () => {},
    );

  let modules: Awaited<ReturnType<typeof loadServerModules>>;
  try {
    // `npm run dev` serves web/ through Vite instead, so it skips the production build.
    if (options.webBuild !== false) await buildWebApp(logger);
    modules = await loadServerModules();
    if (launched) {
      // A fixed port says where it will listen; port 0 is known once it does.
      const fixedPort = config.stripe.emulatorPort;
      const url = fixedPort ? `http://127.0.0.1:${fixedPort}` : (await launched.starting).url;
      config = useEmbeddedEmulator(config, url, launched.webhookSecret);
    }
  } catch (error) {
    await stopEmulator();
    throw error;
  }

  const serviceStarting = modules.createPorticoService(config, logger);
  let emulator: EmbeddedEmulator | undefined;
  let portico: Awaited<typeof serviceStarting>;
  try {
    [emulator, portico] = await Promise.all([emulatorStarting, serviceStarting]);
  } catch (error) {
    await Promise.all([
      stopEmulator(),
      serviceStarting.then(
        (service) => service.close(),
        () => {},
      ),
    ]);
    throw error;
  }
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
      const seed = await modules.seedDemo({
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
  const setup = modules.checkSetupOffline({
    config,
    emulator: emulator && {
      url: emulator.url,
      webhookUrl: embeddedWebhookUrl({ host: config.host, port }),
    },
    webhookEvents: modules.handledEventTypes,
  });
  const color = Boolean(process.stdout.isTTY && process.stdout.hasColors?.());
  const checklist = renderStartChecklist(modules.listOfflineItems(setup), color);
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

/**
 * Spawns the emulator; answers at once, with its start under way, and the secret its
 * webhooks to this server are signed with.
 */
async function launchEmulator(config: Config) {
  const webhookSecret = await loadEmbeddedWebhookSecret(config.dataDir);
  const starting = startEmbeddedEmulator({
    port: config.stripe.emulatorPort,
    stateFile: join(config.dataDir, "emulator.json"),
    // It delivers its webhooks here, so subscription sync works with no setup.
    webhook: {
      url: embeddedWebhookUrl(config),
      secretFile: embeddedWebhookSecretFile(config.dataDir),
      account: EMBEDDED_STRIPE_KEY,
    },
  });
  // Awaited later; handled now, so that it failing meanwhile is no unhandled rejection.
  starting.catch(() => {});
  return { webhookSecret, starting };
}

/** The configuration for Stripe at the embedded emulator, and its webhooks' secret. */
function useEmbeddedEmulator(config: Config, url: string, webhookSecret: string): Config {
  const configurations = config.portal.allowedConfigurations;
  const secrets = config.stripe.webhookSecrets;
  return {
    ...config,
    stripe: {
      ...config.stripe,
      keys: { test: EMBEDDED_STRIPE_KEY },
      apiBase: url,
      webhookSecrets: { ...secrets, test: [webhookSecret, ...secrets.test] },
    },
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
