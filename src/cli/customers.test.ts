import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { SignJWT } from "jose";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { applyCatalogFile, EXAMPLE_BILLING_CONFIG, settleSetupCheck } from "../../test/checkout.js";
import { porticoCommand, REPO_ROOT } from "../../test/cli-process.js";
import { runCustomersCli } from "../../test/customers-cli.js";
import {
  emulatorSdk,
  newStripeKeys,
  saveDefaultPortalConfiguration,
} from "../../test/emulator-process.js";
import { APP_URL, signUp, startTestPortico, type TestPortico } from "../../test/portico.js";
import { callAs } from "../../test/projects.js";
import type { ImportReport } from "../billing/customer-import.js";
import { listAudit } from "../db/audit-log.js";
import { findBillingCustomer } from "../db/billing-customers.js";
import { userSubjectId } from "../db/subjects.js";

const JWT_SECRET = "host-app-shared-secret-0123456789abcdef";
const signJwt = (sub: string) =>
  new SignJWT({ sub })
    .setProtectedHeader({ alg: "HS256" })
    .setExpirationTime("5m")
    .sign(new TextEncoder().encode(JWT_SECRET));

/** An app already on Stripe: its users' customers and subscriptions exist before Portico. */
async function seedExistingApp(stripe: Stripe) {
  const [price] = (await stripe.prices.list({ lookup_keys: ["pro_monthly"] })).data;
  if (!price) throw new Error("no pro_monthly price");
  const appUsers: { sub: string; customerId: string }[] = [];
  for (let i = 0; i < 2; i++) {
    const sub = `app-user-${randomBytes(4).toString("hex")}`;
    const customer = await stripe.customers.create({
      email: `${sub}@example.com`,
      metadata: { app_user_id: sub },
    });
    const card = await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    await stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: card.id },
    });
    await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    appUsers.push({ sub, customerId: customer.id });
  }
  // A customer of nobody Portico knows.
  await stripe.customers.create({ email: "stranger@example.com" });
  return appUsers;
}

describe("portico customers import", () => {
  let t: TestPortico;
  let stripe: Stripe;
  let appUsers: { sub: string; customerId: string; token: string; userId: string }[];

  beforeAll(async () => {
    const emulatorUrl = inject("emulatorUrl");
    const keys = newStripeKeys();
    stripe = emulatorSdk(keys.test, emulatorUrl);
    await applyCatalogFile(keys.test, emulatorUrl, EXAMPLE_BILLING_CONFIG);
    await saveDefaultPortalConfiguration(emulatorUrl, keys.test);
    const seeded = await seedExistingApp(stripe);

    t = await startTestPortico({
      keys,
      env: { AUTH_JWT_SECRET: JWT_SECRET, PORTICO_CONFIG: EXAMPLE_BILLING_CONFIG },
    });
    await settleSetupCheck(t);
    // The app's users sign in to Portico with their JWT: Portico knows them by `sub`.
    appUsers = await Promise.all(
      seeded.map(async (user) => {
        const token = await signJwt(user.sub);
        const me = await callAs(t, "/api/auth/me", token);
        const body = (await me.json()) as { data: { user: { id: string } } };
        return { ...user, token, userId: body.data.user.id };
      }),
    );
  });
  afterAll(() => t.close());

  const importJson = async (...args: string[]) => {
    const run = await runCustomersCli(t, "import", "--json", ...args);
    expect(run.err).toBe("");
    expect(run.code).toBe(0);
    return JSON.parse(run.out) as ImportReport;
  };
  const outcomeOf = (report: ImportReport, customerId: string) =>
    report.outcomes.find((outcome) => outcome.customerId === customerId);

  describe("happy", () => {
    it("reports what it would link on a dry run, and writes nothing", async () => {
      const report = await importJson("--match", "metadata:app_user_id", "--dry-run");
      for (const user of appUsers) {
        expect(outcomeOf(report, user.customerId)).toMatchObject({
          status: "would_link",
          subject: `user:${user.userId}`,
        });
        const db = t.portico.database.db;
        expect(await findBillingCustomer(db, userSubjectId(user.userId), false)).toBeUndefined();
        expect(await listAudit(db, { stripeCustomerId: user.customerId })).toEqual([]);
      }
      expect(report.counts).toMatchObject({ would_link: 2, linked: 0, unmatched: 1 });
    });

    it("links by metadata: Manage billing works and the plan is right without a checkout", async () => {
      const run = await runCustomersCli(t, "import", "--match", "metadata:app_user_id");
      expect(run.code).toBe(0);
      expect(run.out).toContain("Linked: 2");
      expect(run.out).toContain("Unmatched: 1");

      for (const user of appUsers) {
        const view = await callAs(t, "/api/billing/subscription", user.token);
        expect(view.status).toBe(200);
        const { data } = (await view.json()) as { data: { plan: string; status: string } };
        expect(data).toMatchObject({ plan: "pro", status: "active" });

        const portal = await callAs(t, "/api/billing/portal", user.token, {
          body: { returnUrl: APP_URL },
        });
        expect(portal.status).toBe(200);

        const audit = await listAudit(t.portico.database.db, { stripeCustomerId: user.customerId });
        expect(audit).toMatchObject([
          {
            action: "customer.linked",
            source: "import",
            subject: `user:${user.userId}`,
            details: { match: "metadata:app_user_id" },
          },
        ]);
      }
    });

    it("finds them already linked the second time, and links nothing again", async () => {
      const report = await importJson("--match", "metadata:app_user_id");
      expect(report.counts).toMatchObject({ already_linked: 2, linked: 0 });
    });
  });

  describe("ambiguous", () => {
    it("reports two customers with one email, and links neither", async () => {
      const { email, user } = await signUp(t);
      const twins = await Promise.all([
        stripe.customers.create({ email: email.toUpperCase() }),
        stripe.customers.create({ email }),
      ]);
      const report = await importJson("--match", "email");
      for (const twin of twins) {
        expect(outcomeOf(report, twin.id)).toMatchObject({
          status: "ambiguous",
          reason: "2 customers share this email",
        });
      }
      const db = t.portico.database.db;
      expect(await findBillingCustomer(db, userSubjectId(user.id), false)).toBeUndefined();
    });

    it("links a unique email, case-insensitively", async () => {
      const { email, user } = await signUp(t);
      const customer = await stripe.customers.create({ email: email.toUpperCase() });
      const report = await importJson("--match", "email");
      expect(outcomeOf(report, customer.id)).toMatchObject({
        status: "linked",
        subject: `user:${user.id}`,
      });
    });
  });

  describe("errors", () => {
    it("refuses a --match it cannot use", async () => {
      const run = await runCustomersCli(t, "import", "--match", "phone");
      expect(run.code).toBe(1);
      expect(run.err).toContain("metadata:<key> or email");
    });
  });
});

describe("the compiled CLI", () => {
  it("registers `portico customers link` and `import`", () => {
    const [command, args] = porticoCommand("customers", "--help");
    const result = spawnSync(command, args, { cwd: REPO_ROOT, encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/link \[options\] <subject> <customer>/);
    expect(result.stdout).toMatch(/import/);
  });
});
