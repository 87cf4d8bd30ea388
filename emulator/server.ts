import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createEmulatorApp } from "./app.js";
import type { Store } from "./store.js";

export type StartEmulatorOptions = { port?: number; host?: string };

export type RunningEmulator = {
  url: string;
  port: number;
  store: Store;
  close(): Promise<void>;
};

/** Listens on `host:port` (port 0 picks a free one) and resolves once accepting requests. */
export function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? "127.0.0.1";
  const { app, store } = createEmulatorApp();
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, port: options.port ?? 0, hostname: host },
      (info: AddressInfo) => {
        resolve({
          url: `http://${host}:${info.port}`,
          port: info.port,
          store,
          close: () =>
            new Promise<void>((done, fail) => {
              server.close((error) => (error ? fail(error) : done()));
              // Keep-alive sockets from SDK clients would otherwise hold close() open.
              if ("closeAllConnections" in server) server.closeAllConnections();
            }),
        });
      },
    );
    server.once("error", reject);
  });
}
