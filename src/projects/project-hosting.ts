import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { Database } from "../db/client.js";
import type { Metrics } from "../metrics.js";
import { projectDatabases } from "./project-databases.js";
import { createProjectRouter } from "./project-router.js";
import { type BuildProjectApp, createProjectRuntimes } from "./project-runtimes.js";
import { createProjectService } from "./project-service.js";
import { parseProjectId } from "./project-settings.js";
import { createSecretBox } from "./secret-box.js";

type Fetch = (request: Request) => Response | Promise<Response>;

/**
 * The standalone server serving many apps: the registry on the server's database, each
 * project's runtime on its own, and the router in front of the server's own app. Only with
 * PORTICO_ENCRYPTION_KEY: without it no project's keys can be opened.
 */
export function hostProjects(deps: {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  database: Database;
  server: Fetch;
  build: BuildProjectApp;
}) {
  const { config, logger, database } = deps;
  if (!config.encryption) return undefined;
  const service = createProjectService({
    db: database.db,
    box: createSecretBox(config.encryption),
  });
  const databases = projectDatabases({ database });
  const runtimes = createProjectRuntimes({
    projects: service,
    databases,
    serverConfig: config,
    logger,
    build: deps.build,
  });
  deps.metrics.includeOnScrape(() => runtimes.running().map((runtime) => runtime.core.metrics));
  const fetch = createProjectRouter({
    runtimes,
    server: deps.server,
    logger,
    metrics: deps.metrics,
  });
  return {
    service,
    runtimes,
    fetch,
    allowsOrigin: cachedOriginCheck(service),
    /**
     * Removes a project for good: its rows first, so that no request starts it again, then
     * its running copy here, then its database. Another instance serving it finds it gone
     * on its next refresh; on PostgreSQL, `drop … with (force)` ends that copy's connections.
     */
    async purge(id: string): Promise<void> {
      const projectId = parseProjectId(id);
      await service.purge(projectId);
      await runtimes.stop(projectId);
      await databases.drop(projectId);
    },
  };
}

/** How long the projects' origins are read once for all preflights. */
const ORIGINS_TTL_MS = 5_000;

/**
 * Whether some live project's app may call from `origin`. A preflight carries no credential,
 * so it cannot name its project: it is answered for any project's origin, and the actual
 * request is then answered by its project's app with that project's origins alone.
 */
function cachedOriginCheck(service: { returnOrigins(): Promise<string[]> }) {
  let cached: { origins: Set<string>; readAt: number } | undefined;
  return async (origin: string): Promise<boolean> => {
    if (!cached || Date.now() - cached.readAt > ORIGINS_TTL_MS) {
      const origins = await service.returnOrigins().catch(() => cached?.origins ?? []);
      cached = { origins: new Set(origins), readAt: Date.now() };
    }
    return cached.origins.has(origin);
  };
}

export type ProjectHosting = NonNullable<ReturnType<typeof hostProjects>>;
