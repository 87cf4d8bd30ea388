import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

const SECRET_FILE = "emulator-webhook-secret";

/**
 * The signing secret shared by Portico and its embedded emulator's webhook endpoint:
 * generated on the first start and kept in the data directory, so a restart (and the
 * emulator's saved state) keep agreeing on it.
 */
export async function loadEmbeddedWebhookSecret(dataDir: string): Promise<string> {
  const path = embeddedWebhookSecretFile(dataDir);
  const saved = await readFile(path, "utf8").then(
    (text) => text.trim(),
    () => "",
  );
  if (/^whsec_\S+$/.test(saved)) return saved;
  const secret = `whsec_${randomBytes(24).toString("hex")}`;
  await mkdir(dataDir, { recursive: true });
  await writeFile(path, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** The emulator reads the secret from here, since its command line is public in `ps`. */
export function embeddedWebhookSecretFile(dataDir: string): string {
  return join(dataDir, SECRET_FILE);
}

/** Where the embedded emulator delivers: this machine's listening address, not APP_URL. */
export function embeddedWebhookUrl(config: { host: string; port: number }): string {
  const host = ["0.0.0.0", "::", ""].includes(config.host) ? "127.0.0.1" : config.host;
  const hostPart = host.includes(":") ? `[${host}]` : host;
  return `http://${hostPart}:${config.port}/api/webhooks/stripe`;
}
