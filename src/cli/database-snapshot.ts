import { randomBytes, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { PGlite } from "@electric-sql/pglite";
import type { Database } from "../db/client.js";

/**
 * An embedded (PGlite) database belongs to one process: a second process opening the same
 * files would corrupt them. So the read-only commands (`events list|show`, `sync --dry-run`)
 * ask the server holding it for a snapshot and open that in memory. The snapshot is PGlite's
 * own backup (`dumpDataDir`), taken between queries, so it is consistent; nothing written
 * to it reaches the server's data.
 *
 * The server answers on 127.0.0.1 only, to a bearer token kept in the 0600 quick-start
 * record: whoever can read that file can read the database files too.
 */

export interface SnapshotServer {
  url: string;
  token: string;
  close(): Promise<void>;
}

/** The PGlite under a Database (drizzle keeps its client), or undefined on PostgreSQL. */
export function pgliteOf(database: Database): PGlite | undefined {
  if (database.engine !== "pglite") return undefined;
  return (database.db as unknown as { $client: PGlite }).$client;
}

export async function startSnapshotServer(client: PGlite): Promise<SnapshotServer> {
  const token = randomBytes(32).toString("hex");
  const expected = Buffer.from(`Bearer ${token}`);
  const server = createServer((request, response) => {
    const given = Buffer.from(request.headers.authorization ?? "");
    const allowed = given.length === expected.length && timingSafeEqual(given, expected);
    if (!allowed || request.method !== "GET" || request.url !== "/snapshot") {
      response.writeHead(allowed ? 404 : 401).end();
      return;
    }
    client.dumpDataDir("gzip").then(
      async (dump) => {
        response.writeHead(200, { "content-type": "application/gzip" });
        response.end(Buffer.from(await dump.arrayBuffer()));
      },
      () => response.writeHead(503).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The server's database as it is now, opened in this process's memory. */
export async function openSnapshot(snapshot: { url: string; token: string }): Promise<Database> {
  const response = await fetch(`${snapshot.url}/snapshot`, {
    headers: { authorization: `Bearer ${snapshot.token}` },
    signal: AbortSignal.timeout(60_000),
  });
  if (!response.ok) throw new Error(`the server refused a snapshot (${response.status})`);
  const [{ PGlite }, { wrapPglite }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("../db/pglite.js"),
  ]);
  const client = await PGlite.create({ loadDataDir: await response.blob() });
  return wrapPglite(client);
}
