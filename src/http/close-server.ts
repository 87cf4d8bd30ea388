import type { Server } from "node:http";

/**
 * Stops accepting connections and lets in-flight requests finish for up to
 * `graceMs`, then cuts whatever is left. Keep-alive sockets would otherwise hold
 * the server open for their whole idle timeout: each one is closed as soon as
 * its last response has been sent.
 */
export function closeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve();
    });
    server.closeIdleConnections();
  });
}
