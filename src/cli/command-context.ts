import type { Config } from "../config.js";
import { type Database, databaseOptions, openDatabase } from "../db/client.js";
import { loadConfigOrExit } from "./load-config.js";

/** What a database command runs against: the real process, or a test's config and capture. */

export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
}

export interface CommandContext {
  config(): Config;
  io: CommandIo;
  exit(code: number): void;
  /** A database the commands borrow (a test's) instead of opening the configured one. */
  database?: Database | undefined;
}

export function processCommandContext(): CommandContext {
  return {
    config: loadConfigOrExit,
    io: {
      out: (text) => process.stdout.write(text),
      err: (text) => process.stderr.write(text),
    },
    exit: (code) => {
      process.exitCode = code;
    },
  };
}

export interface DatabaseAccess {
  readOnly: boolean;
  command: string;
  /** Apply pending migrations first (a command that writes, run before any server did). */
  migrate?: boolean;
}

/**
 * Opens the database for one command (or borrows `borrowed`), closes what it opened after,
 * and turns failures into a message.
 */
export async function withCliDatabase(
  config: Config,
  io: CommandIo,
  access: DatabaseAccess,
  work: (database: Pick<Database, "db" | "url">) => Promise<number>,
  borrowed?: Database,
): Promise<number> {
  let database: Database | undefined;
  try {
    database = borrowed ?? (await openDatabase(databaseOptions(config)));
    if (access.migrate) await database.migrate();
    return await work(database);
  } catch (error) {
    io.err(`${describeFailure(error)}\n`);
    return 1;
  } finally {
    if (database !== borrowed) await database?.close();
  }
}

/** The database driver's own message (e.g. "connection refused"), never the SQL or its values. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  if (error.message.startsWith("Failed query")) {
    return `The database query failed: ${cause ?? "unknown cause"}. Check DATABASE_URL, and run \`portico migrate\` if the tables are missing.`;
  }
  return cause ? `${error.message} (${cause})` : error.message;
}
