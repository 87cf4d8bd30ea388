import { sql } from "drizzle-orm";
import { type Database, openDatabase } from "../db/client.js";
import { sqlStateOf } from "../db/sql-state.js";
import { PorticoError } from "../errors.js";

/**
 * Each project's billing data lives in a database of its own, beside the server's on the
 * same PostgreSQL server (`<name>_p_<project>`, created on first use). A project's rows, inbox, watermarks and advisory locks can
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
  /** The server's database, beside which each project's is created (so it needs its URL). */
  database: Pick<Database, "db" | "url">;
  /** Connections each project's pool may hold. */
  poolSize?: number;
}): ProjectDatabases {
  const run = (statement: string) => server.database.db.execute(sql.raw(statement));
  const serverUrl = () => {
    if (server.database.url) return server.database.url;
    throw new Error("Hosted projects need a database Portico opens by URL, not a borrowed pool");
  };
  return {
    async open(projectId) {
      const name = databaseName(serverUrl(), projectId);
      await run(`create database ${quoteIdentifier(name)}`).catch((error: unknown) => {
        // 42P04: it exists; 23505: another instance created it at the same moment.
        const state = sqlStateOf(error);
        if (state !== "42P04" && state !== "23505") throw error;
      });
      const url = new URL(serverUrl());
      url.pathname = `/${encodeURIComponent(name)}`;
      const database = await openDatabase({ url: url.toString(), poolSize: server.poolSize ?? 5 });
      await database.migrate();
      return database;
    },
    async drop(projectId) {
      const name = databaseName(serverUrl(), projectId);
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
