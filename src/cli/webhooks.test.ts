import type { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommandInProcess } from "../../test/cli-in-process.js";
import { noneInFlight, startOutboxPortico, waitForDeliveries } from "../../test/outbox.js";
import { giveCustomer, signUp, type TestPortico } from "../../test/portico.js";
import { createTestClock, type WebhookReceiver } from "../../test/webhook-receiver.js";
import { MAX_DELIVERY_ATTEMPTS } from "../billing/outbox/retry-schedule.js";
import type { CommandContext } from "./command-context.js";
import { registerEventsCommand } from "./events.js";
import { registerWebhooksCommand } from "./webhooks.js";

const HOURS = 3_600_000;

describe("portico webhooks and events deliveries", () => {
  const clock = createTestClock();
  let t: TestPortico;
  let receiver: WebhookReceiver;
  let close = async () => {};
  beforeAll(async () => {
    ({ t, receiver, close } = await startOutboxPortico({ clock }));
  });
  afterAll(() => close());

  const register = (program: Command, context: CommandContext) => {
    registerWebhooksCommand(program, context);
    registerEventsCommand(program, context);
  };
  const cli = (...args: string[]) => runCommandInProcess(t, register, ...args);

  it("adds an endpoint, shows its secret once, lists it without it, and removes it", async () => {
    const added = await cli(
      "webhooks",
      "add",
      "https://app.example.com/hooks",
      "--events",
      "entitlements.changed",
    );
    expect(added.code).toBe(0);
    const secret = /whsec_[A-Za-z0-9_-]{43}/.exec(added.out)?.[0];
    const id = /we_[0-9a-f]{24}/.exec(added.out)?.[0] ?? "";
    expect(secret).toBeDefined();
    expect(added.out).toContain("not shown again");

    const table = await cli("webhooks", "list");
    expect(table.out).toMatch(
      new RegExp(
        `${id}\\s+entitlements.changed\\s+0\\s+0\\s+\\S+\\s+https://app.example.com/hooks`,
      ),
    );
    const json = await cli("webhooks", "list", "--json");
    expect(JSON.parse(json.out)).toEqual([
      expect.objectContaining({ id, events: ["entitlements.changed"] }),
    ]);
    for (const output of [table.out, json.out]) expect(output).not.toContain("whsec_");

    expect(await cli("webhooks", "remove", id)).toMatchObject({ code: 0 });
    const again = await cli("webhooks", "remove", id);
    expect(again.code).toBe(1);
    expect(again.err).toContain(`No webhook endpoint ${id}`);
  });

  it("refuses what it cannot send to, with the reason", async () => {
    const cases: [string[], string][] = [
      [["ftp://app.example.com/hooks"], "must be http or https, not ftp"],
      [["https://user:pass@app.example.com/hooks"], "may not carry a user name or password"],
      [["not a url"], "is not a URL"],
      [["https://app.example.com", "--events", "invoice.paid"], "unknown event type invoice.paid"],
    ];
    for (const [args, message] of cases) {
      const refused = await cli("webhooks", "add", ...args);
      expect(refused.code, args.join(" ")).toBe(1);
      expect(refused.err).toContain(message);
    }
    const withoutKey = await runCommandInProcess(
      t,
      (program, context) =>
        register(program, { ...context, config: () => ({ ...t.config, encryption: undefined }) }),
      "webhooks",
      "add",
      "https://app.example.com/hooks",
    );
    expect(withoutKey.code).toBe(1);
    expect(withoutKey.err).toContain("PORTICO_ENCRYPTION_KEY is not set");
    expect(JSON.parse((await cli("webhooks", "list", "--json")).out)).toEqual([]);
  });

  it("lists deliveries by status and event, and sends one that gave up again", async () => {
    const added = await cli("webhooks", "add", receiver.url, "--json");
    receiver.secret = (JSON.parse(added.out) as { secret: string }).secret;
    receiver.answer = 500;
    await giveCustomer(t, (await signUp(t)).user.id);

    // Three days of retries, skipped by moving the outbox's clock.
    for (let attempts = 1; attempts <= MAX_DELIVERY_ATTEMPTS; attempts++) {
      await waitForDeliveries(
        t,
        (rows) =>
          rows.length === 2 && noneInFlight(rows) && rows.every((row) => row.attempts >= attempts),
      );
      clock.advance(10 * HOURS);
    }
    const failed = await cli("events", "deliveries", "--status", "failed");
    expect(failed.out.trim().split("\n")).toHaveLength(3);
    expect(failed.out).toMatch(/customer\.linked .*failed\s+17\s+-\s+HTTP 500/);
    expect((await cli("events", "deliveries", "--status", "delivered")).out).toBe(
      "No deliveries.\n",
    );
    const rows = JSON.parse((await cli("events", "deliveries", "--json")).out) as {
      id: string;
      eventId: string;
      eventType: string;
    }[];
    const linked = rows.find((row) => row.eventType === "customer.linked");
    if (!linked) throw new Error("no customer.linked delivery");
    const one = await cli("events", "deliveries", "--event", linked.eventId);
    expect(one.out.trim().split("\n")).toHaveLength(2);

    // The app is fixed: the operator sends the failed delivery again, by its id.
    receiver.answer = 200;
    const redelivered = await cli("events", "redeliver", linked.id);
    expect(redelivered).toMatchObject({ code: 0 });
    expect(redelivered.out).toContain(`✓ ${linked.id}`);
    await receiver.waitFor((accepted) => accepted.length >= 1);
    expect(receiver.accepted.map((event) => event.id)).toEqual([linked.eventId]);
    await waitForDeliveries(
      t,
      (all) => all.find((row) => row.id === linked.id)?.status === "delivered",
    );

    // Delivered already: only with --force, under the same event id.
    const refused = await cli("events", "redeliver", linked.eventId);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("add --force");
    expect((await cli("events", "redeliver", linked.eventId, "--force")).code).toBe(0);
    await receiver.waitFor((accepted) => accepted.length >= 2);
    expect(receiver.countsById().get(linked.eventId)).toBe(2);
    expect((await cli("events", "redeliver", "evt_nothing")).code).toBe(1);
  });
});
