import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getJson } from "../../../test/checkout.js";
import {
  APP_URL,
  giveCustomer,
  portalAudits,
  postJson,
  saveDefaultPortal,
  signUp,
  startTestPortico,
  type TestPortico,
} from "../../../test/portico.js";

/** With STRIPE_MODE=live the app's own routes use the live key and the live customer link. */
describe("the app's routes in live mode", () => {
  let t: TestPortico;
  beforeAll(async () => {
    t = await startTestPortico({ env: { STRIPE_MODE: "live" } });
    await saveDefaultPortal(t, "live");
  });
  afterAll(() => t?.close());

  it("opens the portal for the user's live customer, not a test one", async () => {
    const { token, user } = await signUp(t);
    await giveCustomer(t, user.id, "test");
    const live = await giveCustomer(t, user.id, "live");
    const response = await postJson(
      t,
      "/api/billing/portal",
      { returnUrl: `${APP_URL}/settings/billing` },
      token,
    );
    expect(response.status).toBe(200);
    const [audit] = await portalAudits(t, user.id);
    expect(audit).toMatchObject({ livemode: true, stripeCustomerId: live.id });
  });

  it("answers the subscription and invoices of the live customer", async () => {
    const { token, user } = await signUp(t);
    await giveCustomer(t, user.id, "test");
    const viewWithTestOnly = await getJson(t, "/api/billing/subscription", token);
    // Only a test customer: in live mode the user has none yet.
    expect(
      ((await viewWithTestOnly.json()) as { data: { hasCustomer: boolean } }).data.hasCustomer,
    ).toBe(false);
    await giveCustomer(t, user.id, "live");
    const view = await getJson(t, "/api/billing/subscription", token);
    expect(((await view.json()) as { data: { hasCustomer: boolean } }).data.hasCustomer).toBe(true);
    const invoices = await getJson(t, "/api/billing/invoices", token);
    expect(invoices.status).toBe(200);
  });
});
