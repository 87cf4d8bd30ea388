import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createEmulatorApp } from "./app.js";
import type { FaultRegistry } from "./faults/fault-registry.js";
import type { FaultRuleInput } from "./faults/fault-rules.js";
import { createStateFile, loadStateFile } from "./persistence/state-file.js";
import { createStore, type Store } from "./store.js";
import type { WebhookDeliveries } from "./webhooks/delivery.js";
import type { DeliverySettings } from "./webhooks/delivery-settings.js";
import { registerStartupWebhook, type StartupWebhook } from "./webhooks/startup-endpoint.js";

export type StartEmulatorOptions = {
  port?: number;
  host?: string;
  /** Lifetime of portal session URLs; see `--portal-session-ttl`. */
  portalSessionTtlSeconds?: number;
  /** `--state-file`: loaded at startup when present, saved after changes and on close. */
  stateFile?: string;
  /** `--delivery-mode`, `--webhook-retry-base-ms`, …: defaults for every account. */
  webhooks?: Partial<DeliverySettings>;
  /** `--fault` rules, applied to every account. */
  faults?: readonly FaultRuleInput[];
  /** `--webhook-url` and friends: an endpoint registered without any API call. */
  startupWebhook?: StartupWebhook;
};

export type RunningEmulator = {
  url: string;
  port: number;
  store: Store;
  deliveries: WebhookDeliveries;
  faults: FaultRegistry;
  /** The secret of the `startupWebhook` endpoints, generated unless one was given. */
  webhookSecret: string | null;
  close(): Promise<void>;
};

/** Listens on `host:port` (port 0 picks a free one) and resolves once accepting requests. */
export function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? "127.0.0.1";
  const store = createStore({ portalSessionTtlSeconds: options.portalSessionTtlSeconds });
  if (options.stateFile) loadStateFile(store, options.stateFile);
  const stateFile = options.stateFile ? createStateFile(store, options.stateFile) : null;
  const startupWebhook = options.startupWebhook
    ? registerStartupWebhook(store, options.startupWebhook)
    : null;
  const { app, deliveries, faults } = createEmulatorApp(store, {
    ...(options.webhooks ? { webhooks: options.webhooks } : {}),
    ...(options.faults ? { faults: options.faults } : {}),
    ...(stateFile ? { onChange: stateFile.markChanged } : {}),
  });
  const shutDown = async () => {
    startupWebhook?.stop();
    deliveries.close();
    // Always written on shutdown, so a state file exists after any run.
    stateFile?.markChanged();
    await stateFile?.close();
  };
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, port: options.port ?? 0, hostname: host },
      (info: AddressInfo) => {
        resolve({
          url: `http://${host}:${info.port}`,
          port: info.port,
          store,
          deliveries,
          faults,
          webhookSecret: startupWebhook?.secret ?? null,
          close: async () => {
            await new Promise<void>((done, fail) => {
              server.close((error) => (error ? fail(error) : done()));
              // Keep-alive sockets from SDK clients would otherwise hold close() open.
              if ("closeAllConnections" in server) server.closeAllConnections();
            });
            await shutDown();
          },
        });
      },
    );
    server.once("error", reject);
  });
}
