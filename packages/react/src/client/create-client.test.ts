import { describe, expect, it, vi } from "vitest";
import { fakeBillingApi, makeSubscription } from "../test/fake-billing-api.js";
import { createPorticoClient } from "./create-client.js";
import { PorticoRequestError } from "./request-error.js";

describe("createPorticoClient", () => {
  it("returns the envelope's data, same-origin credentials by default", async () => {
    const fetch = fakeBillingApi({ "GET /subscription": { data: makeSubscription() } });
    const client = createPorticoClient({ basePath: "/api/billing/", fetch });
    await expect(client.getSubscription()).resolves.toMatchObject({ plan: "pro" });
    const [url, init] = fetch.mock.calls[0] ?? [];
    expect(url).toBe("/api/billing/subscription");
    expect(init?.credentials).toBe("same-origin");
  });

  it("sends the bearer token and the chosen credentials", async () => {
    const fetch = fakeBillingApi({ "POST /portal": { data: { url: "https://portal.test/s" } } });
    const client = createPorticoClient({
      basePath: "/billing",
      credentials: "include",
      getToken: async () => "tok_1",
      fetch,
    });
    await client.createPortalSession({ returnUrl: "https://app.test/settings" });
    const init = fetch.mock.calls[0]?.[1];
    expect(init?.credentials).toBe("include");
    expect(new Headers(init?.headers).get("authorization")).toBe("Bearer tok_1");
    expect(JSON.parse(String(init?.body))).toEqual({ returnUrl: "https://app.test/settings" });
  });

  it("passes the invoice cursor and limit in the query", async () => {
    const fetch = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) =>
      Response.json({ success: true, data: { invoices: [] } }),
    );
    const client = createPorticoClient({ basePath: "/api/billing", fetch });
    await client.listInvoices({ limit: 5, cursor: "abc" });
    expect(fetch.mock.calls[0]?.[0]).toBe("/api/billing/invoices?limit=5&cursor=abc");
  });

  it("names an organization in the query of the reads and the body of the posts", async () => {
    const fetch = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) =>
      Response.json({ success: true, data: { invoices: [], url: "https://stripe.test/s" } }),
    );
    const client = createPorticoClient({ basePath: "/api/billing", fetch });
    const organizationId = "org 1&2";
    await client.getSubscription({ organizationId });
    await client.listInvoices({ organizationId, limit: 5, cursor: "abc" });
    await client.syncSubscription({ organizationId });
    await client.createPortalSession({ organizationId, returnUrl: "https://app.test/b" });
    await client.createCheckout({ organizationId, plan: "team", seats: 3 });
    await client.updateSeats({ organizationId, seats: 4 });
    const sent = fetch.mock.calls.map(([url, init]) => [
      `${init?.method} ${String(url)}`,
      init?.body === undefined ? undefined : JSON.parse(String(init.body)),
    ]);
    expect(sent).toEqual([
      ["GET /api/billing/subscription?organizationId=org+1%262", undefined],
      ["GET /api/billing/invoices?organizationId=org+1%262&limit=5&cursor=abc", undefined],
      ["POST /api/billing/sync", { organizationId }],
      ["POST /api/billing/portal", { organizationId, returnUrl: "https://app.test/b" }],
      ["POST /api/billing/checkout", { organizationId, plan: "team", seats: 3 }],
      ["POST /api/billing/seats", { organizationId, seats: 4 }],
    ]);
  });

  it("sends no subject for the signed-in user: no query, and the sync keeps its empty body", async () => {
    const fetch = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) =>
      Response.json({ success: true, data: makeSubscription() }),
    );
    const client = createPorticoClient({ basePath: "/api/billing", fetch });
    await client.getSubscription();
    await client.syncSubscription();
    expect(fetch.mock.calls.map(([url, init]) => [String(url), init?.body])).toEqual([
      ["/api/billing/subscription", undefined],
      ["/api/billing/sync", undefined],
    ]);
  });

  it("turns an error envelope into a PorticoRequestError", async () => {
    const fetch = fakeBillingApi({
      "POST /portal": { status: 429, error: { code: "RATE_LIMITED", message: "Slow down" } },
    });
    const client = createPorticoClient({ basePath: "/api/billing", fetch });
    const error = await client.createPortalSession({ returnUrl: "x" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PorticoRequestError);
    expect(error).toMatchObject({ code: "RATE_LIMITED", status: 429, message: "Slow down" });
  });

  it("reads a non-JSON failure (a proxy's HTML page) and a network failure", async () => {
    const html = vi.fn(async () => new Response("<h1>Bad gateway</h1>", { status: 502 }));
    const offline = vi.fn(async () => {
      throw new TypeError("Failed to fetch");
    });
    const viaProxy = createPorticoClient({ basePath: "/b", fetch: html });
    const viaNothing = createPorticoClient({ basePath: "/b", fetch: offline });
    await expect(viaProxy.listPlans()).rejects.toMatchObject({
      code: "INTERNAL_ERROR",
      status: 502,
    });
    await expect(viaNothing.listPlans()).rejects.toMatchObject({
      code: "NETWORK_ERROR",
      status: 0,
    });
  });
});
