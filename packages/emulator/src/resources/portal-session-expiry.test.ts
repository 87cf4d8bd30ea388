import { describe, expect, it } from "vitest";
import { createTestAccount, type TestAccount } from "../testing.js";

async function countPortalSessions(account: TestAccount): Promise<number> {
  const state = (await (await account.request("GET", "/_emulator/state")).json()) as {
    objects: Record<string, unknown[]>;
  };
  return state.objects["billing_portal.session"]?.length ?? 0;
}

describe("portal session expiry", () => {
  it("drops expired sessions from memory and still shows their expired page", async () => {
    const account = createTestAccount();
    const { stripe } = account;
    await account.saveDefaultPortal();
    const customer = await stripe.customers.create({ email: "ada@example.com" });
    const open = () =>
      stripe.billingPortal.sessions.create({
        customer: customer.id,
        return_url: "https://app.example.com/account",
      });
    const first = await open();
    await open();
    expect(await countPortalSessions(account)).toBe(2);

    await account.request("POST", "/_emulator/clock/advance", "seconds=301");
    await open();
    expect(await countPortalSessions(account)).toBe(1);
    const page = await fetch(first.url);
    expect(page.status).toBe(410);
    const html = await page.text();
    expect(html).toContain("This session has expired");
    expect(html).toContain("https://app.example.com/account");
  });
});
