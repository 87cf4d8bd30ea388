import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import type { Logger } from "pino";
import { type AccountService, createAccountService } from "./auth/accounts.js";
import { resolveKeySubject } from "./auth/service-key-subjects.js";
import { createServiceKeyService } from "./auth/service-keys.js";
import type { SessionCache } from "./auth/session-cache.js";
import { openSessionFeed } from "./auth/session-feed.js";
import { createSignInLinkService } from "./auth/sign-in-links.js";
import { readBillingConfigFile, withBillingConfig } from "./billing/billing-config.js";
import type { BillingConfig } from "./billing/billing-config-schema.js";
import { type CatalogSync, createCatalogSync } from "./billing/catalog-sync.js";
import { createOrganizationService } from "./billing/organizations.js";
import type { Clock } from "./billing/outbox/change-dispatcher.js";
import type { Outbox } from "./billing/outbox/outbox.js";
import type { PlanCatalog } from "./billing/plans.js";
import type { PortalService } from "./billing/portal.js";
import type { ReadinessCheckService } from "./billing/readiness.js";
import type { SetupCheck } from "./billing/setup-check.js";
import type { SyncServices } from "./billing/sync-services.js";
import type { Config } from "./config.js";
import { type Core, createCore } from "./core.js";
import { type Database, databaseOptions, openDatabase } from "./db/client.js";
import { createApp, type PorticoApp } from "./http/app.js";
import { closeServer } from "./http/close-server.js";
import type { CrossOrigins } from "./http/cross-origin.js";
import { credentialIdentity } from "./http/identify.js";
import { ADMIN_CUSTOMERS_PATH, createAdminCustomerRoutes } from "./http/routes/admin-customers.js";
import { ADMIN_PROJECTS_PATH, createAdminProjectRoutes } from "./http/routes/admin-projects.js";
import { projectWebhookOperation } from "./http/routes/project-webhooks.js";
import { membershipAccess } from "./http/subject-access.js";
import type { Metrics } from "./metrics.js";
import { hostProjects, type ProjectHosting } from "./projects/project-hosting.js";
import type { StripeGateway } from "./stripe/gateway.js";

/** The standalone service: the core, Portico's own accounts, the web app, on its own port. */
export interface PorticoService {
  /** The server's own app. */
  app: PorticoApp;
  /** What the server answers with: the app, behind the project router when it hosts projects. */
  fetch(request: Request): Response | Promise<Response>;
  /** The projects it hosts: only with PORTICO_ENCRYPTION_KEY. */
  projects: ProjectHosting | undefined;
  database: Database;
  stripe: StripeGateway;
  accounts: AccountService;
  /** `portico.config.json`, when present. */
  billingConfig: BillingConfig | undefined;
  plans: PlanCatalog;
  catalog: CatalogSync;
  setup: SetupCheck;
  /** Subscription sync: apply stored events, pull a customer from Stripe. */
  sync: SyncServices["sync"];
  /** Incoming Stripe events; `settled()` waits for those answered `queued` to be applied. */
  webhooks: Pick<SyncServices["webhooks"], "settled">;
  metrics: Metrics;
  readiness: ReadinessCheckService;
  /** Outgoing webhooks: endpoints, and the worker that dispatches and delivers. */
  outbox: Outbox;
  /** Portal sessions; `flush()` waits for the audit rows written behind responses. */
  portal: PortalService;
  /** Starts listening; resolves with the bound port. */
  listen(): Promise<number>;
  /**
   * Answers not-ready, stops the retry worker and accepting connections, lets in-flight
   * requests and webhook batches finish for up to `graceMs` (default SHUTDOWN_GRACE_MS),
   * then closes the database.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/**
 * The core, Portico's own accounts and organizations, and the HTTP app over them, on one
 * database: the server's own, or one project's (`projectId`).
 */
export function wireStandaloneApp(deps: {
  config: Config;
  logger: Logger;
  billingConfig: BillingConfig | undefined;
  database: Database;
  projectId?: string;
  crossOrigins?: CrossOrigins;
  clock?: Clock | undefined;
  sessionCache?: SessionCache | undefined;
}) {
  const { config, logger, database } = deps;
  const core = createCore(deps);
  const accounts = createAccountService({
    db: database.db,
    config,
    projectId: deps.projectId,
    sessionCache: deps.sessionCache,
  });
  const organizations = createOrganizationService({
    db: database.db,
    logger,
    // Standalone, seats follow membership: a per-seat subscription is kept at the member count.
    onMembersChanged: (id, members) =>
      core.seats.matchSeatsToMembers({ type: "organization", id }, members, config.stripe.appMode),
  });
  const app = createApp({
    ...core,
    accounts,
    organizations,
    identify: credentialIdentity(accounts, config.appUrl),
    subjects: membershipAccess(organizations),
    serviceKeyAuth: {
      keys: createServiceKeyService({ db: database.db }),
      resolveSubject: (text) => resolveKeySubject(database.db, text),
    },
    signInLinks: createSignInLinkService({ db: database.db, accounts, appUrl: config.appUrl }),
    ...(deps.projectId ? { projectId: deps.projectId } : {}),
    ...(deps.crossOrigins ? { crossOrigins: deps.crossOrigins } : {}),
  });
  return { core, app, accounts };
}

/** What the service shows of a core: the server's own, or (in tests) a hosted project's. */
export function serviceViewOf(core: Core) {
  return {
    database: core.database,
    stripe: core.stripe,
    plans: core.plans,
    catalog: createCatalogSync({ stripe: core.stripe }),
    setup: core.setup,
    sync: core.sync,
    webhooks: core.webhooks,
    metrics: core.metrics,
    readiness: core.readiness,
    outbox: core.outbox,
    portal: core.portal,
  };
}

/**
 * Wires the service together from its configuration. Migrations run before it
 * answers. A `database` passed in (several instances on one database, in tests)
 * is left open on close.
 */
export async function createPorticoService(
  envConfig: Config,
  logger: Logger,
  options: {
    database?: Database;
    /** The outbox's time, for the server and its projects (a test's). */
    clock?: Clock;
  } = {},
): Promise<PorticoService> {
  const billingConfig = await readBillingConfigFile(envConfig.billingConfigPath);
  const config = withBillingConfig(envConfig, billingConfig);
  const database = options.database ?? (await openDatabase(databaseOptions(config)));
  await database.migrate();
  const sessions = openSessionFeed(database, logger);
  let projects: ProjectHosting | undefined;
  const { core, app, accounts } = wireStandaloneApp({
    config,
    logger,
    billingConfig,
    database,
    crossOrigins: (origin) => projects?.allowsOrigin(origin) ?? false,
    clock: options.clock,
    sessionCache: sessions.cache,
  });
  projects = hostProjects({
    config: envConfig,
    logger,
    metrics: core.metrics,
    database,
    server: app.fetch,
    build: ({ projectId, ...input }) =>
      wireStandaloneApp({ ...input, projectId, clock: options.clock }),
  });
  const fetch = projects?.fetch ?? app.fetch;
  const adminTokenSha256 = envConfig.admin.tokenSha256;
  // On the server's own app only: a project's app never answers for the registry. Mounted
  // after the web app's fallback, which passes every /api/* path on.
  const adminToken = adminTokenSha256 && {
    tokenSha256: adminTokenSha256,
    db: database.db,
    failures: config.rateLimits.login,
    trustProxy: config.trustProxy,
  };
  // Customer links need only the token: they act on the server's own database.
  if (adminToken) {
    app.route(
      ADMIN_CUSTOMERS_PATH,
      createAdminCustomerRoutes({ ...adminToken, links: core.customerLinks }),
    );
  }
  // Served by each project's own app, behind the router: listed here, where clients look.
  if (projects) app.openAPIRegistry.registerPath(projectWebhookOperation);
  if (projects && adminToken) {
    app.route(
      ADMIN_PROJECTS_PATH,
      createAdminProjectRoutes({
        ...adminToken,
        projects: projects.service,
        onChanged: (id) => projects.runtimes.invalidate(id),
        purge: (id) => projects.purge(id),
      }),
    );
  }

  let server: Server | undefined;
  return {
    app,
    fetch,
    projects,
    accounts,
    billingConfig,
    ...serviceViewOf(core),
    listen() {
      core.start();
      return new Promise((resolve, reject) => {
        server = serve({ fetch, port: config.port, hostname: config.host }, (info) =>
          resolve(info.port),
        ) as Server;
        server.once("error", reject);
        // Slow-loris and idle-socket bounds; keep-alive outlives typical proxy idle timeouts.
        server.headersTimeout = 15_000;
        server.requestTimeout = 30_000;
        server.keepAliveTimeout = 65_000;
      });
    },
    async close(closeOptions = {}) {
      let drained: Promise<void> | undefined;
      // The server's core and each project's drain the same connections: close them once.
      const drainRequests = () => {
        drained ??= server
          ? closeServer(server, closeOptions.graceMs ?? config.shutdownGraceMs)
          : Promise.resolve();
        return drained;
      };
      await Promise.all([core.stop(drainRequests), projects?.runtimes.close(drainRequests)]);
      await sessions.close();
      if (!options.database) await database.close();
    },
  };
}
