import pg from "pg";
import type { Logger } from "pino";
import { PORTICO_SCHEMA } from "./schema-name.js";

/** Where a revoked session's token hash is announced, in the revoking transaction. */
export const SESSION_REVOKED_CHANNEL = `${PORTICO_SCHEMA}_session_revoked`;

const RECONNECT_MS = [250, 1_000, 5_000];

/**
 * Hears every session revoked in the database at `url`, on any instance, from a connection
 * of its own (`LISTEN`). `connected(true)` once it listens; `connected(false)` as soon as the
 * connection fails or ends, then it connects again, until `close()`.
 */
export function listenForRevokedSessions(deps: {
  url: string;
  onRevoked(tokenHash: string): void;
  connected(listening: boolean): void;
  logger: Pick<Logger, "warn">;
}) {
  let closed = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let failures = 0;

  /** Stops answering from memory and lets go of the current connection, if any. */
  function disconnect(): Promise<void> {
    deps.connected(false);
    const last = client;
    client = undefined;
    last?.removeAllListeners();
    last?.on("error", () => {});
    return last ? last.end().catch(() => {}) : Promise.resolve();
  }

  function lost(error?: unknown) {
    void disconnect();
    if (closed) return;
    if (error && failures === 0) {
      deps.logger.warn({ err: error }, "session revocation feed lost; sessions are looked up");
    }
    const delay = RECONNECT_MS[Math.min(failures, RECONNECT_MS.length - 1)];
    failures++;
    retry = setTimeout(connect, delay);
    retry.unref();
  }

  async function connect() {
    if (closed) return;
    const next = new pg.Client({ connectionString: deps.url, keepAlive: true });
    client = next;
    next.on("error", lost);
    next.on("end", () => client === next && lost());
    next.on("notification", (message) => {
      if (message.channel === SESSION_REVOKED_CHANNEL && message.payload) {
        deps.onRevoked(message.payload);
      }
    });
    try {
      await next.connect();
      await next.query(`listen ${SESSION_REVOKED_CHANNEL}`);
      if (client !== next) return;
      failures = 0;
      deps.connected(true);
    } catch (error) {
      if (client === next) lost(error);
    }
  }

  void connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      await disconnect();
    },
  };
}
