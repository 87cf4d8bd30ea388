import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openMigratedTestDatabase } from "../../test/database.js";
import {
  type CustomerAdmission,
  hitRateLimitFindingCustomer,
  hitRateLimitsFindingCustomers,
  linkBillingCustomer,
} from "./billing-customers.js";
import type { Database } from "./client.js";
import { insertOrganization } from "./organizations.js";
import { rateLimits } from "./schema.js";
import type { Subject } from "./subjects.js";
import { insertUser } from "./users.js";

const rule = { max: 3, windowSeconds: 60 };

/**
 * Portal requests arriving together count their rate-limit hits and find their customers
 * in one statement. Each must get what it would have got alone, one after another.
 */
describe("a group of portal admissions", () => {
  let database: Database;
  let linkedUser: Subject;
  let bareUser: Subject;
  let organization: Subject;
  beforeAll(async () => {
    database = await openMigratedTestDatabase();
    const { db } = database;
    const [linked, bare] = await Promise.all([
      insertUser(db, "linked@example.com", "x"),
      insertUser(db, "bare@example.com", "x"),
    ]);
    if (!linked || !bare) throw new Error("no user inserted");
    linkedUser = { type: "user", id: linked.id };
    bareUser = { type: "user", id: bare.id };
    const org = await insertOrganization(db, {
      name: "Acme",
      billingEmail: null,
      ownerId: linked.id,
    });
    organization = { type: "organization", id: org.id };
    await linkBillingCustomer(db, linkedUser, false, "cus_linked_test");
    await linkBillingCustomer(db, linkedUser, true, "cus_linked_live");
    await linkBillingCustomer(db, organization, false, "cus_org_test");
  });
  afterAll(() => database.close());

  const admission = (key: string, subject: Subject, livemode = false): CustomerAdmission => ({
    key,
    subject,
    livemode,
  });

  /** The same admissions one statement each, one after another. */
  async function oneByOne(admissions: CustomerAdmission[]) {
    const answers = [];
    for (const { key, subject, livemode } of admissions) {
      answers.push(
        await hitRateLimitFindingCustomer(database.db, { key, rule }, subject, livemode),
      );
    }
    return answers;
  }

  it("answers each request as if the group had come one by one", async () => {
    const group = (prefix: string) => [
      admission(`${prefix}:a`, linkedUser),
      admission(`${prefix}:b`, bareUser),
      admission(`${prefix}:a`, linkedUser, true),
      admission(`${prefix}:c`, organization),
      admission(`${prefix}:a`, linkedUser),
      admission(`${prefix}:a`, linkedUser),
      admission(`${prefix}:b`, bareUser),
      admission(`${prefix}:a`, organization, true),
    ];
    const grouped = await hitRateLimitsFindingCustomers(database.db, rule, group("grouped"));
    const alone = await oneByOne(group("alone"));
    expect(grouped.map(({ allowed, also }) => ({ allowed, also: also ?? undefined }))).toEqual(
      alone.map(({ allowed, also }) => ({ allowed, also: also ?? undefined })),
    );
    // Key `a` has five hits: its fourth and fifth are over the limit of three.
    expect(grouped.map((answer) => answer.allowed)).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
      true,
      false,
    ]);
    expect(grouped.map((answer) => answer.also ?? undefined)).toEqual([
      "cus_linked_test",
      undefined,
      "cus_linked_live",
      "cus_org_test",
      "cus_linked_test",
      "cus_linked_test",
      undefined,
      undefined,
    ]);
    for (const answer of grouped) expect(answer.retryAfter).toBeGreaterThan(55);
  });

  it("counts on from earlier hits, and starts a new window once the last is over", async () => {
    const { db } = database;
    await hitRateLimitsFindingCustomers(db, rule, [
      admission("window:a", linkedUser),
      admission("window:a", linkedUser),
    ]);
    const more = await hitRateLimitsFindingCustomers(db, rule, [
      admission("window:a", linkedUser),
      admission("window:a", linkedUser),
    ]);
    expect(more.map((answer) => answer.allowed)).toEqual([true, false]);

    await db.execute(
      sql`update ${rateLimits} set window_start = now() - interval '61 seconds' where key = 'window:a'`,
    );
    const fresh = await hitRateLimitsFindingCustomers(db, rule, [
      admission("window:a", linkedUser),
      admission("window:a", linkedUser),
      admission("window:a", linkedUser),
      admission("window:a", linkedUser),
    ]);
    expect(fresh.map((answer) => answer.allowed)).toEqual([true, true, true, false]);
    const [row] = await db.select().from(rateLimits).where(sql`key = 'window:a'`);
    expect(row?.count).toBe(4);
  });
});
