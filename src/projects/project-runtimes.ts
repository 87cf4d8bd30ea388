import type { Logger } from "pino";
import type { SessionCache } from "../auth/session-cache.js";
import { openSessionFeed, type SessionFeed } from "../auth/session-feed.js";
import type { BillingConfig } from "../billing/billing-config-schema.js";
import type { Config } from "../config.js";
import type { Core } from "../core.js";
import type { Database } from "../db/client.js";
import { PorticoError } from "../errors.js";
import { projectConfig } from "./project-config.js";
import type { ProjectDatabases } from "./project-databases.js";
import type { ProjectService } from "./project-service.js";

/** One project being served: its own core (Stripe account, sync, inbox) and HTTP app. */
export interface ProjectRuntime {
  id: string;
  config: Config;
  billingConfig: BillingConfig | undefined;
  core: Core;
  fetch(request: Request): Response | Promise<Response>;
}

/** Builds a project's core and app on its database; the server's own wiring, reused. */
export type BuildProjectApp = (input: {
  projectId: string;
  config: Config;
  billingConfig: BillingConfig | undefined;
  database: Database;
  /** The project's sessions seen lately, evicted by its database's revocations. */
  sessionCache: SessionCache | undefined;
  logger: Logger;
}) => { core: Core; app: { fetch(request: Request): Response | Promise<Response> } };

/** How often a running project checks that its settings did not change on another instance. */
const DEFAULT_REFRESH_MS = 5_000;

interface Entry {
  runtime: ProjectRuntime;
  database: Database;
  /** Kept with the database, across rebuilds; closed before it. */
  sessions: SessionFeed;
  version: number;
  checkedAt: number;
}

/** What a project holds open besides its core. */
type Opened = Pick<Entry, "database" | "sessions">;

/** A previous core's database and feed, and that core's drain. */
type Reused = Opened & { drained: Promise<void> };

/** Its session feed, then its database. */
async function closeOpened(opened: Opened) {
  await opened.sessions.close();
  await opened.database.close();
}

/**
 * Closes what a project held, once `drained` (its last core's drain) if one is given; never
 * fails. A caller with a drain does not wait: that may take the shutdown grace.
 */
function letGo(
  opened: Opened | undefined,
  drained: Promise<void> = Promise.resolve(),
): Promise<void> {
  if (!opened) return Promise.resolve();
  return drained.then(() => closeOpened(opened)).catch(() => {});
}

/** Lets go of what a start opened (closed now) or reused (closed once drained). */
async function release(opened: Opened | undefined, reused: Reused | undefined) {
  const released = letGo(opened, reused?.drained);
  if (!reused) await released;
}

/**
 * The projects this instance serves, started on their first request and kept. A project
 * changed by the admin API or the CLI (here or on another instance) is rebuilt within
 * `refreshMs`; a deleted one stops answering. A project whose start fails is not cached:
 * the next request tries again.
 */
export function createProjectRuntimes(deps: {
  projects: ProjectService;
  databases: ProjectDatabases;
  serverConfig: Config;
  logger: Logger;
  build: BuildProjectApp;
  refreshMs?: number;
}) {
  const { projects, databases, serverConfig, logger } = deps;
  const refreshMs = deps.refreshMs ?? DEFAULT_REFRESH_MS;
  const entries = new Map<string, Promise<Entry | undefined>>();
  /** The projects started and not stopped, for what must see them all (a metrics scrape). */
  const ready = new Map<string, ProjectRuntime>();
  let closed = false;

  /**
   * Starts the project's core and app: on a database opened here, or on the one its
   * previous core used (`reused`, with that core's drain). A start that does not happen
   * lets go of what it would have used, so the next request starts afresh.
   */
  async function start(id: string, reused?: Reused): Promise<Entry | undefined> {
    let opened: Opened | undefined = reused;
    try {
      const settings = await projects.settings(id);
      if (!settings) {
        await release(opened, reused);
        return undefined;
      }
      const { config, billingConfig } = projectConfig(serverConfig, settings);
      const projectLogger = logger.child({ project: id });
      const database = reused?.database ?? (await databases.open(id));
      const sessions = reused?.sessions ?? openSessionFeed(database, projectLogger);
      opened = { database, sessions };
      const { core, app } = deps.build({
        projectId: id,
        config,
        billingConfig,
        database,
        sessionCache: sessions.cache,
        logger: projectLogger,
      });
      core.start();
      return {
        runtime: { id, config, billingConfig, core, fetch: (request) => app.fetch(request) },
        database,
        sessions,
        version: settings.updatedAt.getTime(),
        checkedAt: Date.now(),
      };
    } catch (error) {
      await release(opened, reused);
      throw error;
    }
  }

  /**
   * Settings changed: a new core on the same database, while the old one finishes what it
   * holds. Deleted: the old core drains, then the database closes.
   */
  async function refresh(id: string, entry: Entry): Promise<Entry | undefined> {
    const version = await projects.version(id);
    if (version?.getTime() === entry.version) return { ...entry, checkedAt: Date.now() };
    const drained = entry.runtime.core.stop();
    if (!version) {
      void letGo(entry, drained);
      return undefined;
    }
    return start(id, { database: entry.database, sessions: entry.sessions, drained });
  }

  async function lookup(id: string): Promise<Entry | undefined> {
    const current = entries.get(id);
    const entry = current ? await current : undefined;
    if (entry && Date.now() - entry.checkedAt < refreshMs) return entry;
    // One start or refresh per project at a time; concurrent requests share it.
    if (entries.get(id) !== current) return lookup(id);
    const next = entry ? refresh(id, entry) : start(id);
    entries.set(id, next);
    try {
      const result = await next;
      if (result) ready.set(id, result.runtime);
      else {
        entries.delete(id);
        ready.delete(id);
      }
      return result;
    } catch (error) {
      entries.delete(id);
      ready.delete(id);
      logger.error({ err: error, project: id }, "could not start the project");
      throw new PorticoError(
        "SERVICE_UNAVAILABLE",
        "The project could not be started; try again shortly",
        { retryAfter: 5, cause: error },
      );
    }
  }

  return {
    /** The running project, or undefined when there is no such live project. */
    async get(id: string): Promise<ProjectRuntime | undefined> {
      if (closed) throw new PorticoError("SERVICE_UNAVAILABLE", "Shutting down", { retryAfter: 5 });
      return (await lookup(id))?.runtime;
    },

    /** The projects running now. */
    running(): ProjectRuntime[] {
      return [...ready.values()];
    },

    /** A project changed or was deleted here: its next request checks, not the next refresh. */
    async invalidate(id: string): Promise<void> {
      const entry = await entries.get(id)?.catch(() => undefined);
      if (entry) entry.checkedAt = 0;
    },

    /**
     * Stops one project now, not on its next request: it was purged, and its database is
     * about to be dropped. Its core finishes what it holds, then its database closes.
     */
    async stop(id: string): Promise<void> {
      const current = entries.get(id);
      const entry = await current?.catch(() => undefined);
      // A refresh begun meanwhile finds the project gone and stops this copy itself.
      if (!entry || entries.get(id) !== current) return;
      entries.delete(id);
      await entry.runtime.core.stop();
      await closeOpened(entry);
    },

    /** Stops every project: each drains like the server, then its database closes. */
    async close(drainRequests: () => Promise<void>): Promise<void> {
      closed = true;
      const running = await Promise.all(
        [...entries.values()].map((entry) => entry.catch(() => undefined)),
      );
      entries.clear();
      ready.clear();
      const started = running.filter((entry): entry is Entry => entry !== undefined);
      let drained: Promise<void> | undefined;
      const drainOnce = () => {
        drained ??= drainRequests();
        return drained;
      };
      await Promise.all(started.map((entry) => entry.runtime.core.stop(drainOnce)));
      await Promise.all(started.map(closeOpened));
    },
  };
}

export type ProjectRuntimes = ReturnType<typeof createProjectRuntimes>;
