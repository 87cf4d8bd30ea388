import type { Config } from "../config.js";
import { type Database, databaseOptions, openDatabase } from "../db/client.js";
import { openSnapshot } from "./database-snapshot.js";
import { readQuickStartRecord } from "./quick-start-record.js";

/**
 * The database a command works on. An embedded (PGlite) database belongs to one process, so
 * it is not opened while a server answers on the configured address (or the one `npm start`
 * recorded): two processes writing the same PGlite files would corrupt them. A command that
 * only reads gets a snapshot from that server instead; one that writes is refused.
 * PostgreSQL is shared safely.
 */
export async function openCliDatabase(
  config: Pick<Config, "databaseUrl" | "dataDir" | "host" | "port">,
  access: { readOnly: boolean; command: string },
  fetcher: typeof fetch = fetch,
): Promise<Database> {
  const options = databaseOptions(config);
  if (!options.url && !options.dataDir?.startsWith("memory://")) {
    const record = readQuickStartRecord(config.dataDir);
    const server = await findRunningServer(config, record?.serverUrl, fetcher);
    if (server) {
      if (access.readOnly && record?.snapshot && record.serverUrl === server) {
        return openSnapshot(record.snapshot);
      }
      const why = access.readOnly
        ? "and it recorded no way to share a snapshot (restart it with this version's `npm start`)"
        : `and \`${access.command}\` writes to it`;
      throw new Error(
        `The Portico server at ${server} holds the embedded database in ${config.dataDir}, ${why}. ` +
          "Stop the server first (Ctrl-C), or use PostgreSQL (DATABASE_URL), which a server and the CLI can share.",
      );
    }
  }
  return openDatabase(options);
}

/**
 * The server holding this configuration's embedded database right now, if one answers; none
 * for PostgreSQL, which a server and the CLI share.
 */
export async function findEmbeddedServer(
  config: Pick<Config, "databaseUrl" | "dataDir" | "host" | "port">,
  fetcher: typeof fetch = fetch,
): Promise<string | undefined> {
  const options = databaseOptions(config);
  if (options.url || options.dataDir?.startsWith("memory://")) return undefined;
  return findRunningServer(config, readQuickStartRecord(config.dataDir)?.serverUrl, fetcher);
}

/** Where a Portico server for this data would answer: the recorded URL, then host and port. */
export function serverCandidates(
  config: Pick<Config, "host" | "port">,
  recorded: string | undefined,
): string[] {
  const candidates = recorded ? [recorded] : [];
  if (config.port !== 0) {
    const wildcard = config.host === "0.0.0.0" || config.host === "::";
    const host = wildcard ? "127.0.0.1" : config.host;
    candidates.push(`http://${host.includes(":") ? `[${host}]` : host}:${config.port}`);
  }
  return [...new Set(candidates)];
}

async function findRunningServer(
  config: Pick<Config, "host" | "port">,
  recorded: string | undefined,
  fetcher: typeof fetch,
): Promise<string | undefined> {
  for (const url of serverCandidates(config, recorded)) {
    try {
      const response = await fetcher(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return url;
    } catch {
      // Nothing listening there.
    }
  }
  return undefined;
}
