import type { Config } from "../config.js";
import { type Database, databaseOptions, openDatabase } from "../db/client.js";

/**
 * The database a command works on. An embedded (PGlite) database belongs to one process, so
 * it is not opened while a server answers on the configured address: two processes writing
 * the same PGlite files would corrupt them. PostgreSQL is shared safely.
 */
export async function openCliDatabase(
  config: Pick<Config, "databaseUrl" | "dataDir" | "host" | "port">,
  fetcher: typeof fetch = fetch,
): Promise<Database> {
  const options = databaseOptions(config);
  if (!options.url && !options.dataDir?.startsWith("memory://")) {
    const server = await findRunningServer(config, fetcher);
    if (server) {
      throw new Error(
        `A Portico server at ${server} holds the embedded database in ${config.dataDir}. ` +
          "Stop it first, or use PostgreSQL (DATABASE_URL), which a server and the CLI can share.",
      );
    }
  }
  return openDatabase(options);
}

async function findRunningServer(
  config: Pick<Config, "host" | "port">,
  fetcher: typeof fetch,
): Promise<string | undefined> {
  if (config.port === 0) return undefined;
  const wildcard = config.host === "0.0.0.0" || config.host === "::";
  const host = wildcard ? "127.0.0.1" : config.host;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${config.port}`;
  try {
    const response = await fetcher(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) });
    return response.ok ? url : undefined;
  } catch {
    return undefined;
  }
}
