import type { Config } from "../config.js";
import type { Database, Db } from "../db/client.js";
import { type ProjectDatabases, projectDatabases } from "../projects/project-databases.js";
import { createProjectService, projectNotFound } from "../projects/project-service.js";
import { parseProjectId } from "../projects/project-settings.js";
import { type CommandIo, type DatabaseAccess, withCliDatabase } from "./command-context.js";
import { findEmbeddedServer } from "./open-cli-database.js";

export const PROJECT_OPTION = "--project <id>";
export const PROJECT_HELP = "a hosted project's own endpoints and deliveries, in its database";

/** The database a command acts on, and the project it belongs to (none: the server's own). */
export interface TargetDatabase {
  db: Db;
  projectId: string | undefined;
}

/**
 * The server's database, or with `--project <id>` that live project's own database (opened,
 * and created and migrated when new, as the server would). A project's embedded database
 * belongs to the running server, which shares no snapshot of it: beside a running server
 * such a command is refused, as writing commands are.
 */
export async function withTargetDatabase(
  config: Config,
  io: CommandIo,
  access: DatabaseAccess,
  project: string | undefined,
  work: (target: TargetDatabase) => Promise<number>,
  borrowed?: Database,
  /** Project databases to borrow (a test's, whose in-memory PGlite the server holds). */
  borrowedProjects?: ProjectDatabases,
): Promise<number> {
  if (project === undefined) {
    return withCliDatabase(
      config,
      io,
      access,
      ({ db }) => work({ db, projectId: undefined }),
      borrowed,
    );
  }
  let projectId: string;
  try {
    projectId = parseProjectId(project);
  } catch (error) {
    io.err(`${(error as Error).message}\n`);
    return 1;
  }
  const server = await findEmbeddedServer(config);
  if (server) {
    io.err(
      `The Portico server at ${server} holds project ${projectId}'s embedded database, and \`${access.command} --project\` cannot share it. ` +
        "Stop the server first (Ctrl-C), or use PostgreSQL (DATABASE_URL), which a server and the CLI share.\n",
    );
    return 1;
  }
  const registry = { ...access, readOnly: true, migrate: false };
  return withCliDatabase(
    config,
    io,
    registry,
    async ({ db }) => {
      if (!(await createProjectService({ db, box: undefined }).version(projectId))) {
        throw projectNotFound(projectId);
      }
      const databases =
        borrowedProjects ??
        projectDatabases({
          database: { db },
          databaseUrl: config.databaseUrl,
          dataDir: config.dataDir,
          poolSize: 2,
        });
      const database = await databases.open(projectId);
      try {
        return await work({ db: database.db, projectId });
      } finally {
        await database.close();
      }
    },
    borrowed,
  );
}
