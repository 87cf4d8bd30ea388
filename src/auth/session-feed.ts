import type { Logger } from "pino";
import type { Database } from "../db/client.js";
import { listenForRevokedSessions } from "../db/session-revocations.js";
import { createSessionCache, type SessionCache } from "./session-cache.js";

export interface SessionFeed {
  /** Undefined on a borrowed pool's database: sessions are then always looked up. */
  cache: SessionCache | undefined;
  close(): Promise<void>;
}

/**
 * A session cache for the sessions of `database`, kept honest by the revocations announced
 * there, heard on a connection of its own (`LISTEN`). A borrowed pool's database has no URL
 * to open that connection with, so it gets no cache.
 */
export function openSessionFeed(
  database: Pick<Database, "url">,
  logger: Pick<Logger, "warn">,
): SessionFeed {
  if (!database.url) return { cache: undefined, close: async () => {} };
  const cache = createSessionCache();
  const revocations = listenForRevokedSessions({
    url: database.url,
    onRevoked: (tokenHash) => cache.forget(tokenHash),
    connected: (listening) => cache.trust(listening),
    logger,
  });
  return { cache, close: () => revocations.close() };
}
