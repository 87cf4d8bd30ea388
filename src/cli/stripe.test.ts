import { describe, expect, it } from "vitest";
import {
  changePlan,
  createStripeCli,
  normalizeIds,
  readExampleConfig,
} from "./stripe-test-helpers.js";

describe("portico stripe plan / apply against the emulator", () => {
  it("plans everything on an empty account, applies it, and a second apply changes nothing", async () => {
    const cli = await createStripeCli();
    await cli.writeConfig(await readExampleConfig());

    const plan = await cli.run("plan", { detailedExitcode: true });
    expect(plan.code).toBe(2);
    await expect(normalizeIds(plan.out, cli.file)).toMatchFileSnapshot(
      "./__golden__/plan-empty-account.txt",
    );

    const apply = await cli.run("apply", { yes: true });
    expect(apply.err).toBe("");
    expect(apply.code).toBe(0);
    expect(apply.out).toContain("Applied: 7 created, 0 updated, 0 replaced, 0 archived.");

    const products = await cli.stripe.products.list({ limit: 100 });
    expect(products.data.map((p) => p.metadata.portico_key).sort()).toEqual(["pro", "starter"]);
    const prices = await cli.stripe.prices.list({
      lookup_keys: ["starter_monthly", "starter_annual", "pro_monthly", "pro_annual"],
    });
    expect(
      prices.data.map((p) => [p.lookup_key, p.unit_amount, p.recurring?.interval]).sort(),
    ).toEqual([
      ["pro_annual", 29000, "year"],
      ["pro_monthly", 2900, "month"],
      ["starter_annual", 9000, "year"],
      ["starter_monthly", 900, "month"],
    ]);
    const configurations = await cli.stripe.billingPortal.configurations.list();
    expect(configurations.data).toHaveLength(1);
    expect(configurations.data[0]?.metadata).toEqual({
      portico_key: "default",
      portico_default: "true",
    });
    expect(configurations.data[0]?.is_default).toBe(false);

    const again = await cli.run("apply", { yes: true });
    expect(again.code).toBe(0);
    expect(again.out).toBe(`No changes. Stripe test mode matches ${cli.file}.\n`);
    const replan = await cli.run("plan", { detailedExitcode: true, json: true });
    expect(replan.code).toBe(0);
    expect(JSON.parse(replan.out)).toMatchObject({ hasChanges: false, changes: [] });
  });

  it("updates a changed portal feature in place, and renames a plan as an update", async () => {
    const cli = await createStripeCli();
    const example = await cli.applyExample();
    const [before] = (await cli.stripe.billingPortal.configurations.list()).data;
    const proBefore = (await cli.stripe.products.list()).data.find(
      (p) => p.metadata.portico_key === "pro",
    );

    const changed = changePlan(example, "pro", (plan) => {
      plan.name = "Pro Plus";
    });
    const portal = changed.portal_configurations?.[0];
    if (!portal) throw new Error("example has no portal configuration");
    portal.features.invoice_history = { enabled: false };
    portal.features.subscription_pause = { enabled: true };
    await cli.writeConfig(changed);

    const plan = await cli.run("plan", { detailedExitcode: true });
    expect(plan.code).toBe(2);
    expect(plan.out).toContain('~ name: "Pro" → "Pro Plus"');
    expect(plan.out).toContain("~ features.invoice_history.enabled: true → false");
    await expect(normalizeIds(plan.out, cli.file)).toMatchFileSnapshot(
      "./__golden__/plan-rename-and-feature.txt",
    );

    expect((await cli.run("apply", { yes: true })).code).toBe(0);
    const after = await cli.stripe.billingPortal.configurations.list();
    expect(after.data.map((c) => c.id)).toEqual([before?.id]);
    expect(after.data[0]?.features.invoice_history.enabled).toBe(false);
    expect(after.data[0]?.features.subscription_pause.enabled).toBe(true);
    const proAfter = await cli.stripe.products.retrieve(proBefore?.id ?? "missing");
    expect(proAfter.name).toBe("Pro Plus");
    expect((await cli.stripe.products.list()).data).toHaveLength(2);
    expect((await cli.run("plan", { detailedExitcode: true })).code).toBe(0);
  });

  it("replaces a price whose amount changed, moving the lookup key and leaving subscriptions alone", async () => {
    const cli = await createStripeCli();
    const example = await cli.applyExample();
    const [old] = (await cli.stripe.prices.list({ lookup_keys: ["pro_monthly"] })).data;
    if (!old) throw new Error("pro_monthly was not created");
    const customer = await cli.stripe.customers.create({ email: "sub@example.com" });
    const subscription = await cli.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: old.id }],
    });

    await cli.writeConfig(
      changePlan(example, "pro", (plan) => {
        if (plan.prices?.monthly) plan.prices.monthly.amount = 3900;
      }),
    );
    const plan = await cli.run("plan");
    expect(plan.out).toContain(`-/+ price pro_monthly (${old.id})`);
    expect(plan.out).toContain("~ unit_amount: 2900 → 3900");
    expect(plan.out).toContain(`Existing subscriptions stay on ${old.id}`);
    expect(plan.out).toContain("~ portal configuration default");
    await expect(normalizeIds(plan.out, cli.file)).toMatchFileSnapshot(
      "./__golden__/plan-price-change.txt",
    );

    expect((await cli.run("apply", { yes: true })).code).toBe(0);
    const [current] = (await cli.stripe.prices.list({ lookup_keys: ["pro_monthly"] })).data;
    expect(current?.id).not.toBe(old.id);
    expect(current?.unit_amount).toBe(3900);
    expect(current?.active).toBe(true);
    const archived = await cli.stripe.prices.retrieve(old.id);
    expect(archived).toMatchObject({ active: false, lookup_key: null, unit_amount: 2900 });
    const untouched = await cli.stripe.subscriptions.retrieve(subscription.id);
    expect(untouched.items.data[0]?.price.id).toBe(old.id);
    expect(untouched.status).toBe(subscription.status);
    // The portal offers the new price, not the archived one.
    const [configuration] = (await cli.stripe.billingPortal.configurations.list()).data;
    const offered = configuration?.features.subscription_update.products?.flatMap((p) => p.prices);
    expect(offered).toContain(current?.id);
    expect(offered).not.toContain(old.id);
    expect((await cli.run("plan", { detailedExitcode: true })).code).toBe(0);
  });

  it("archives, never deletes, what the file no longer declares", async () => {
    const cli = await createStripeCli();
    const example = await cli.applyExample();
    await cli.writeConfig({
      ...example,
      plans: example.plans?.filter((p) => p.key !== "starter"),
      portal_configurations: [],
    });

    const plan = await cli.run("plan", { json: true });
    const body = JSON.parse(plan.out) as {
      changes: { action: string; kind: string; key: string }[];
    };
    expect(body.changes.map((c) => `${c.action} ${c.kind} ${c.key}`).sort()).toEqual([
      "archive portal_configuration default",
      "archive price starter_annual",
      "archive price starter_monthly",
      "archive product starter",
    ]);
    expect((await cli.run("apply", { yes: true })).code).toBe(0);
    const starter = (await cli.stripe.products.list()).data.find(
      (p) => p.metadata.portico_key === "starter",
    );
    expect(starter?.active).toBe(false);
    expect((await cli.stripe.billingPortal.configurations.list()).data[0]?.active).toBe(false);
  });

  it("refuses to apply off a terminal without --yes, and asks on one", async () => {
    const cli = await createStripeCli();
    await cli.writeConfig(await readExampleConfig());
    const refused = await cli.run("apply");
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("without --yes");
    const declined = await cli.run("apply", {}, { interactive: true, answer: false });
    expect(declined.code).toBe(1);
    expect((await cli.stripe.products.list()).data).toHaveLength(0);
    const accepted = await cli.run("apply", {}, { interactive: true, answer: true });
    expect(accepted.code).toBe(0);
    expect((await cli.stripe.products.list()).data).toHaveLength(2);
  });

  it("exits 1 with a clear message when the mode has no key or the file is invalid", async () => {
    const cli = await createStripeCli();
    await cli.writeConfig(await readExampleConfig());
    const live = await cli.run("plan", { mode: "live", detailedExitcode: true });
    expect(live.code).toBe(1);
    expect(live.err).toContain("No Stripe key is configured for live mode");

    await cli.writeConfig({
      plans: [{ key: "pro", name: "Pro", prices: { monthly: { amount: "29" } } }],
    });
    const invalid = await cli.run("plan", { detailedExitcode: true });
    expect(invalid.code).toBe(1);
    expect(invalid.err).toContain("plans[0].prices.monthly.amount");
  });

  it("a portal session after apply shows exactly the features the file enables", async () => {
    const cli = await createStripeCli();
    const example = await cli.applyExample();
    const [starter] = (await cli.stripe.prices.list({ lookup_keys: ["starter_monthly"] })).data;
    const customer = await cli.stripe.customers.create({ email: "portal@example.com" });
    await cli.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: starter?.id ?? "missing" }],
    });
    const openPortal = async () => {
      const [configuration] = (await cli.stripe.billingPortal.configurations.list()).data;
      const session = await cli.stripe.billingPortal.sessions.create({
        customer: customer.id,
        configuration: configuration?.id ?? "missing",
        return_url: "http://localhost:3000/settings/billing",
      });
      return (await fetch(session.url)).text();
    };

    const page = await openPortal();
    expect(page).toContain("Portico demo: manage your subscription");
    expect(page).toContain('id="invoices-heading"');
    expect(page).toContain('id="payment-heading"');
    expect(page).toContain('id="billing-heading"');
    expect(page).toContain("Update plan");
    expect(page).toContain("Cancel plan");
    expect(page).not.toContain("Pause plan");

    const changed = structuredClone(example);
    const features = changed.portal_configurations?.[0]?.features;
    if (!features) throw new Error("example has no portal configuration");
    features.invoice_history = { enabled: false };
    features.payment_method_update = { enabled: false };
    features.subscription_cancel = { enabled: false };
    features.subscription_pause = { enabled: true };
    await cli.writeConfig(changed);
    expect((await cli.run("apply", { yes: true })).code).toBe(0);

    const after = await openPortal();
    expect(after).not.toContain('id="invoices-heading"');
    expect(after).not.toContain('id="payment-heading"');
    expect(after).toContain('id="billing-heading"');
    expect(after).toContain("Update plan");
    expect(after).not.toContain("Cancel plan");
    expect(after).toContain("Pause plan");
  });

  it("names Stripe's host and the cause when plan and apply cannot reach it", async () => {
    const cli = await createStripeCli();
    await cli.writeConfig(await readExampleConfig());
    const offline = {
      ...cli.config,
      stripe: { ...cli.config.stripe, apiBase: "http://127.0.0.1:9" },
    };
    for (const command of ["plan", "apply"] as const) {
      const result = await cli.runWith(offline, command, { yes: true });
      expect(result.code).toBe(1);
      expect(result.err).toBe(
        "Could not reach Stripe (127.0.0.1:9: ECONNREFUSED): check that STRIPE_API_BASE (http://127.0.0.1:9) is right and answering.\n",
      );
    }
  });
});
