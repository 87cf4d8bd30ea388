import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  APP_URL,
  giveCustomer,
  postJson,
  signUp,
  startTestPortico,
  type TestPortico,
} from "../../test/portico.js";
import { loadConfig } from "../config.js";
import { createStripeClients } from "../stripe/client.js";
import { createStripeGateway } from "../stripe/gateway.js";
import { createSetupCheck } from "./setup-check.js";

const EXAMPLE = fileURLToPath(new URL("../../portico.config.json", import.meta.url));

describe("startup check of the billing setup", () => {
  let t: TestPortico;
  beforeAll(async () => {
    t = await startTestPortico({ env: { PORTICO_CONFIG: EXAMPLE } });
  });
  afterAll(() => t.close());

  it("answers PORTAL_NOT_CONFIGURED with the command to run until apply, then opens the managed default", async () => {
    await t.portico.setup.run();
    expect(t.portico.setup.problem("test")).toMatch(/portal configuration "default" is missing/);
    expect(t.portico.setup.problem("test")).toMatch(/prices missing: starter_monthly/);

    const user = await signUp(t);
    await giveCustomer(t, user.user.id);
    const body = { returnUrl: `${APP_URL}/settings/billing` };
    const refused = await postJson(t, "/api/billing/portal", body, user.token);
    expect(refused.status).toBe(503);
    const error = ((await refused.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe("PORTAL_NOT_CONFIGURED");
    expect(error.message).toContain("portico stripe apply --mode test");

    const plan = await t.portico.catalog.planChanges("test", t.portico.billingConfig ?? fail());
    const ids = await t.portico.catalog.applyChanges("test", plan);
    await t.portico.setup.run();
    expect(t.portico.setup.problem("test")).toBeUndefined();
    expect(t.portico.plans.planForPrice(ids.prices.pro_monthly ?? "")?.key).toBe("pro");

    const opened = await postJson(t, "/api/billing/portal", body, user.token);
    expect(opened.status).toBe(200);
    const sessions = await t.stripe.test.billingPortal.sessions
      .create({
        customer: (await t.stripe.test.customers.list()).data[0]?.id ?? "",
        return_url: body.returnUrl,
      })
      .catch((e: Error) => e);
    // No Dashboard default is saved: only Portico's explicit configuration id makes the portal work.
    expect(sessions).toBeInstanceOf(Error);
  });

  it("logs and carries on when Stripe is unreachable", async () => {
    const warnings: string[] = [];
    const check = createSetupCheck({
      stripe: {
        modes: () => ["test"],
        listPortalConfigurations: () => Promise.reject(new Error("connect ECONNREFUSED")),
        findPricesByLookupKeys: () => Promise.resolve([]),
      },
      config: { portal: { allowedConfigurations: [], defaultConfiguration: "default" } },
      billing: t.portico.billingConfig,
      plans: { rememberPriceIds: () => {} },
      logger: { warn: (message: string) => warnings.push(message), info: () => {} } as never,
    });
    await check.run();
    expect(warnings).toEqual([
      expect.stringContaining("Could not check the billing setup in test mode"),
    ]);
    await expect(check.assertReady("test")).resolves.toBeUndefined();
  });

  it("names the host and the network's reason when nothing answers there", async () => {
    const config = loadConfig({
      STRIPE_SECRET_KEY: "sk_test_unreachable",
      STRIPE_API_BASE: "http://127.0.0.1:9",
      STRIPE_MAX_NETWORK_RETRIES: "0",
    });
    const warnings: string[] = [];
    const check = createSetupCheck({
      stripe: createStripeGateway(createStripeClients(config.stripe)),
      config,
      billing: t.portico.billingConfig,
      plans: { rememberPriceIds: () => {} },
      logger: { warn: (message: string) => warnings.push(message), info: () => {} } as never,
    });
    await check.run();
    expect(warnings).toEqual([
      "Could not check the billing setup in test mode (127.0.0.1:9: ECONNREFUSED); continuing. Next: check that STRIPE_API_BASE (http://127.0.0.1:9) is right and answering, then run `portico doctor`",
    ]);
    await expect(check.status("test", 60_000)).resolves.toEqual({
      ok: false,
      problem: "could not reach Stripe (127.0.0.1:9: ECONNREFUSED)",
    });
  });
});

function fail(): never {
  throw new Error("the example billing file was not loaded");
}
