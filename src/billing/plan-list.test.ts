import { describe, expect, it } from "vitest";
import { parseBillingConfig, readBillingConfigFile } from "./billing-config.js";
import { summarizePlans } from "./plan-list.js";
import { createPlanCatalog } from "./plans.js";

const PER_SEAT = new URL("./__fixtures__/per-seat.portico.config.json", import.meta.url).pathname;

async function readPerSeatPlans() {
  const config = await readBillingConfigFile(PER_SEAT);
  if (!config) throw new Error("fixture missing");
  return createPlanCatalog(config).plans;
}

describe("summarizePlans", () => {
  it("lists the plans in file order, a free plan with no prices", async () => {
    const summaries = summarizePlans(await readPerSeatPlans());
    expect(summaries.map((plan) => plan.key)).toEqual(["free", "starter", "team"]);
    expect(summaries[0]).toEqual({
      key: "free",
      name: "Free",
      description: null,
      features: [],
      trialPeriodDays: null,
      prices: { monthly: null, annual: null },
      seats: null,
    });
  });

  it("gives a per-seat plan its seat bounds and its per-seat amounts", async () => {
    const plans = await readPerSeatPlans();
    expect(plans.find((plan) => plan.key === "team")?.seats).toEqual({ minimum: 2, maximum: 50 });
    const team = summarizePlans(plans).find((plan) => plan.key === "team");
    expect(team).toMatchObject({
      seats: { minimum: 2, maximum: 50 },
      prices: {
        monthly: { lookupKey: "team_monthly", amount: 1200, currency: "usd" },
        annual: { lookupKey: "team_annual", amount: 12000, currency: "usd" },
      },
    });
    expect(summarizePlans(plans).find((plan) => plan.key === "starter")?.seats).toBeNull();
  });

  it("a per-seat plan without a maximum has maximum null (no limit)", () => {
    const config = parseBillingConfig({
      plans: [{ key: "team", name: "Team", seats: {}, prices: { monthly: { amount: 1200 } } }],
    });
    const [team] = summarizePlans(createPlanCatalog(config).plans);
    expect(team?.seats).toEqual({ minimum: 1, maximum: null });
    expect(team?.trialPeriodDays).toBeNull();
  });
});
