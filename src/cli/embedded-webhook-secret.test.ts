import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { embeddedWebhookUrl, loadEmbeddedWebhookSecret } from "./embedded-webhook-secret.js";

describe("the embedded emulator's webhook secret", () => {
  it("is generated once, kept private, and reused on the next start", async () => {
    const dir = await mkdtemp(join(tmpdir(), "portico-secret-"));
    try {
      const dataDir = join(dir, "data");
      const first = await loadEmbeddedWebhookSecret(dataDir);
      expect(first).toMatch(/^whsec_[0-9a-f]{48}$/);
      expect(await loadEmbeddedWebhookSecret(dataDir)).toBe(first);
      const file = join(dataDir, "emulator-webhook-secret");
      expect((await readFile(file, "utf8")).trim()).toBe(first);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("points the emulator at the local listening address", () => {
    expect(embeddedWebhookUrl({ host: "127.0.0.1", port: 3000 })).toBe(
      "http://127.0.0.1:3000/api/webhooks/stripe",
    );
    expect(embeddedWebhookUrl({ host: "0.0.0.0", port: 8080 })).toBe(
      "http://127.0.0.1:8080/api/webhooks/stripe",
    );
    expect(embeddedWebhookUrl({ host: "::1", port: 3000 })).toBe(
      "http://[::1]:3000/api/webhooks/stripe",
    );
  });
});
