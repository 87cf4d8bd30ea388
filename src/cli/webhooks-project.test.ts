import type { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommandInProcess } from "../../test/cli-in-process.js";
import { startTestPortico, type TestPortico } from "../../test/portico.js";
import { startWebhookReceiver, type WebhookReceiver } from "../../test/webhook-receiver.js";
import { linkBillingCustomer } from "../db/billing-customers.js";
import { users } from "../db/schema.js";
import { userSubjectId } from "../db/subjects.js";
import type { CommandContext } from "./command-context.js";
import { registerEventsCommand } from "./events.js";
import { registerWebhooksCommand } from "./webhooks.js";

/** `--project <id>`: a hosted project's endpoints live in its own database, signed for it. */
describe("portico webhooks --project", () => {
  let t: TestPortico;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    t = await startTestPortico({ projects: true, env: { OUTBOX_INTERVAL_MS: "50" } });
    await t.portico.projects?.service.create({ id: "acme", name: "Acme" });
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  const register = (program: Command, context: CommandContext) => {
    registerWebhooksCommand(program, context);
    registerEventsCommand(program, context);
  };
  const cli = (...args: string[]) => runCommandInProcess(t, register, ...args);

  it("refuses a project that does not exist, or no project id at all", async () => {
    const unknown = await cli("webhooks", "list", "--project", "nobody");
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('No project "nobody"');
    const malformed = await cli("events", "deliveries", "--project", "Not_An_Id");
    expect(malformed.code).toBe(1);
    expect(malformed.err).toContain("is not a project id");
  });

  it("keeps the endpoint in the project's database, and the project's outbox signs with its secret", async () => {
    const added = await cli("webhooks", "add", receiver.url, "--project", "acme", "--json");
    expect(added.code, added.err).toBe(0);
    receiver.secret = (JSON.parse(added.out) as { secret: string }).secret;
    expect(JSON.parse((await cli("webhooks", "list", "--json")).out)).toEqual([]);
    const listed = await cli("webhooks", "list", "--project", "acme", "--json");
    expect(JSON.parse(listed.out)).toEqual([expect.objectContaining({ url: receiver.url })]);

    const runtime = await t.portico.projects?.runtimes.get("acme");
    if (!runtime) throw new Error("the project did not start");
    const { db } = runtime.core.database;
    const [user] = await db.insert(users).values({ email: "ann@acme.example" }).returning();
    await linkBillingCustomer(db, userSubjectId(user?.id ?? ""), false, "cus_acme_project");
    await receiver.waitFor((accepted) => accepted.length >= 2);
    expect(receiver.accepted.map((event) => event.type)).toEqual([
      "customer.linked",
      "subscription.changed",
    ]);
    // The receiver answers before the worker records the delivery.
    const statuses = async () => {
      const deliveries = await cli("events", "deliveries", "--project", "acme", "--json");
      return (JSON.parse(deliveries.out) as { status: string }[]).map((row) => row.status);
    };
    await expect.poll(statuses, { timeout: 30_000 }).toEqual(["delivered", "delivered"]);
  });
});
