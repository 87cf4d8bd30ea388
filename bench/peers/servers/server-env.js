import Stripe from "stripe";

/**
 * What the peer servers share. They are plain JavaScript run by `node` itself, as Portico runs
 * from its compiled dist/: no loader or transpiler of the bench's sits in a measured process.
 */

/**
 * The variables a server needs; a missing one stops it before it listens.
 * @template {string} Name
 * @param {Name[]} names
 * @returns {Record<Name, string>}
 */
export function readEnv(names) {
  const missing = names.filter((name) => !process.env[name]);
  if (missing.length) throw new Error(`missing ${missing.join(", ")}`);
  return /** @type {Record<Name, string>} */ (
    Object.fromEntries(names.map((name) => [name, process.env[name]]))
  );
}

/**
 * The stripe SDK pointed at the emulator, without retries (a failure shows as an error).
 * @param {string} key
 * @param {string} apiBase
 */
export function emulatorStripe(key, apiBase) {
  const url = new URL(apiBase);
  return new Stripe(key, {
    host: url.hostname,
    port: url.port,
    protocol: "http",
    maxNetworkRetries: 0,
  });
}

/**
 * Listens on loopback, then prints the line the bench waits for.
 * @param {import("node:http").Server} server
 * @param {string} port
 */
export function listen(server, port) {
  server.listen(Number(port), "127.0.0.1", () => console.log("ready"));
}

/**
 * The whole request body.
 * @param {import("node:http").IncomingMessage} request
 * @returns {Promise<Buffer>}
 */
export async function readBody(request) {
  const chunks = [];
  for await (const chunk of request) chunks.push(/** @type {Buffer} */ (chunk));
  return Buffer.concat(chunks);
}
