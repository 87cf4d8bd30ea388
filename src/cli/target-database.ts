import type { Config } from "../config.js";
import type { Database, Db } from "../db/client.js";
import { projectDatabases } from "../projects/project-databases.js";
import { createProjectService, projectNotFound } from "../projects/project-service.js";
import { parseProjectId } from "../projects/project-settings.js";
import { type CommandIo, type DatabaseAccess, withCliDatabase } from "./command-context.js";

export const PROJECT_OPTION = "--project <id>";
export const PROJECT_HELP = "a hosted project's own endpoints and deliveries, in its database";

/** The database a command acts on, and the project it belongs to (none: the server's own). */
export interface TargetDatabase {
  db: Db;
  projectId: string | undefined;
}

/**
 * The server's database, or with `--project <id>` that live project's own database (opened,
 * and created and migrated when new, as the server would).
 */
export async function withTargetDatabase(
  config: Config,
  io: CommandIo,
  access: DatabaseAccess,
  project: string | undefined,
  work: (target: TargetDatabase) => Promise<number>,
  borrowed?: Database,
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
  const registry = { ...access, readOnly: true, migrate: false };
  return withCliDatabase(
    config,
    io,
    registry,
    async ({ db, url }) => {
      const registryDatabase = { db, url };
      if (!(await createProjectService({ db, box: undefined }).version(projectId))) {
        throw projectNotFound(projectId);
      }
      const databases = projectDatabases({ database: registryDatabase, poolSize: 2 });
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
