import { describe, expect, it } from "vitest";
import { checkSetupOffline, listOfflineItems } from "../billing/doctor/setup-checklist.js";
import { HANDLED_EVENT_TYPES } from "../billing/sync/handlers.js";
import { loadConfig } from "../config.js";
import { renderStartChecklist } from "./setup-checklist-output.js";

function render(env: Record<string, string>, emulator?: { url: string; webhookUrl: string }) {
  const setup = checkSetupOffline({
    config: loadConfig(env),
    emulator,
    webhookEvents: HANDLED_EVENT_TYPES,
  });
  return `${renderStartChecklist(listOfflineItems(setup), false)}\n`;
}

describe("the checklist portico start prints", () => {
  it("is one line on the quick start, where everything is fine", async () => {
    const text = render(
      {},
      {
        url: "http://127.0.0.1:12111",
        webhookUrl: "http://127.0.0.1:3000/api/webhooks/stripe",
      },
    );
    expect(text.trim().split("\n")).toHaveLength(1);
    await expect(text).toMatchFileSnapshot("./__golden__/start-checklist-quick-start.txt");
  });

  it("lists every item and the next steps for a real key without a webhook secret", async () => {
    const text = render({ STRIPE_SECRET_KEY: "sk_test_51AbcdefghijklmnopWXYZ" });
    expect(text).toContain("✗ missing  stripe_test_webhook_secret");
    await expect(text).toMatchFileSnapshot("./__golden__/start-checklist-real-key.txt");
  });
});
