import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import type { Logger } from "pino";
import { type AccountService, createAccountService } from "./auth/accounts.js";
import { createPortalService } from "./billing/portal.js";
import type { Config } from "./config.js";
import { type Database, databaseOptions, openDatabase } from "./db/client.js";
import { createApp, type PorticoApp } from "./http/app.js";
import { createStripeClients } from "./stripe/client.js";
import { createStripeGateway, type StripeGateway } from "./stripe/gateway.js";

export interface Portico {
  app: PorticoApp;
  database: Database;
  stripe: StripeGateway;
  accounts: AccountService;
  /** Starts listening; resolves with the bound port. */
  listen(): Promise<number>;
  close(): Promise<void>;
}

/** Wires the service together from its configuration. Migrations run before it answers. */
export async function createPortico(config: Config, logger: Logger): Promise<Portico> {
  const database = await openDatabase(databaseOptions(config));
  await database.migrate();
  const { db } = database;
  const stripe = createStripeGateway(createStripeClients(config.stripe));
  const accounts = createAccountService({ db, config });
  const portal = createPortalService({ db, stripe, config });
  const app = createApp({ config, logger, accounts, portal });

  let server: Server | undefined;
  return {
    app,
    database,
    stripe,
    accounts,
    listen() {
      return new Promise((resolve, reject) => {
        server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) =>
          resolve(info.port),
        ) as Server;
        server.once("error", reject);
        // Slow-loris and idle-socket bounds; keep-alive outlives typical proxy idle timeouts.
        server.headersTimeout = 15_000;
        server.requestTimeout = 30_000;
        server.keepAliveTimeout = 65_000;
      });
    },
    async close() {
      if (server) {
        const closing = new Promise<void>((resolve) => server?.close(() => resolve()));
        server.closeIdleConnections();
        await closing;
      }
      await database.close();
    },
  };
}
