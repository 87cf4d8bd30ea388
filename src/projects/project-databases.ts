import { rm } from "node:fs/promises";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { type Database, openDatabase } from "../db/client.js";
import { sqlStateOf } from "../db/sql-state.js";
import { PorticoError } from "../errors.js";

/**
 * Each project's billing data lives in a database of its own: on a PostgreSQL server, a
 * database beside the server's (`<name>_p_<project>`, created on first use); on PGlite, a
 * directory under the data dir. A project's rows, inbox, watermarks and advisory locks can
 * then never meet another project's, whatever a query forgets, and purging a project is
 * dropping its database.
 */
export interface ProjectDatabases {
  /** Opens (creating when new) and migrates the project's database. */
  open(projectId: string): Promise<Database>;
  /** Removes the project's database and everything in it. Close it first. */
  drop(projectId: string): Promise<void>;
}

/** PostgreSQL's limit on a database name. */
const MAX_NAME_LENGTH = 63;

export function projectDatabases(server: {
  /** The server's database, where a PostgreSQL project database is created from. */
  database: Pick<Database, "db">;
  databaseUrl: string | undefined;
  dataDir: string;
  /** Connections each project's pool may hold (PostgreSQL). */
  poolSize?: number;
}): ProjectDatabases {
  const { databaseUrl, dataDir } = server;
  if (!databaseUrl) {
    const inMemory = dataDir.startsWith("memory://");
    const dirOf = (projectId: string) => join(dataDir, "projects", projectId, "db");
    return {
      async open(projectId) {
        const database = await openDatabase({
          dataDir: inMemory ? "memory://" : dirOf(projectId),
        });
        await database.migrate();
        return database;
      },
      async drop(projectId) {
        if (!inMemory)
          await rm(join(dataDir, "projects", projectId), { recursive: true, force: true });
      },
    };
  }

  const run = (statement: string) => server.database.db.execute(sql.raw(statement));
  return {
    async open(projectId) {
      const name = databaseName(databaseUrl, projectId);
      await run(`create database ${quoteIdentifier(name)}`).catch((error: unknown) => {
        // 42P04: it exists; 23505: another instance created it at the same moment.
        const state = sqlStateOf(error);
        if (state !== "42P04" && state !== "23505") throw error;
      });
      const url = new URL(databaseUrl);
      url.pathname = `/${encodeURIComponent(name)}`;
      const database = await openDatabase({ url: url.toString(), poolSize: server.poolSize ?? 5 });
      await database.migrate();
      return database;
    },
    async drop(projectId) {
      const name = databaseName(databaseUrl, projectId);
      await run(`drop database if exists ${quoteIdentifier(name)} with (force)`);
    },
  };
}

function databaseName(databaseUrl: string, projectId: string): string {
  const base = decodeURIComponent(new URL(databaseUrl).pathname.slice(1)) || "postgres";
  // Project ids hold no `_`, so turning `-` into `_` cannot make two ids one name.
  const name = `${base}_p_${projectId.replaceAll("-", "_")}`;
  if (name.length > MAX_NAME_LENGTH) {
    throw new PorticoError(
      "VALIDATION_ERROR",
      `The project's database name "${name}" is longer than PostgreSQL's ${MAX_NAME_LENGTH} characters; use a shorter project id or database name`,
    );
  }
  return name;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
