// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { makeSubscription, PLANS } from "../test/fake-billing-api.js";
import { viewOf } from "./diff-subscription.js";
import { rememberSubscription, takeRememberedSubscription } from "./remembered-subscription.js";
import { toSubscription } from "./to-subscription.js";

const userPro = toSubscription(makeSubscription(), PLANS);
const orgSeats = toSubscription(makeSubscription({ seats: 7 }), PLANS);

beforeEach(() => sessionStorage.clear());
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe("the subscription remembered before the portal", () => {
  it("is taken once: a reload of the return page finds none", () => {
    rememberSubscription(undefined, userPro);
    expect(takeRememberedSubscription(undefined)).toEqual(viewOf(userPro));
    expect(takeRememberedSubscription(undefined)).toBeUndefined();
  });

  it("is kept per subject: the user's and each organization's apart", () => {
    rememberSubscription(undefined, userPro);
    rememberSubscription("org_a", orgSeats);
    expect(takeRememberedSubscription("org_b")).toBeUndefined();
    expect(takeRememberedSubscription("org_a")?.seats).toBe(7);
    expect(takeRememberedSubscription(undefined)?.seats).toBeNull();
  });

  it("holds only what the page shows", () => {
    rememberSubscription(undefined, userPro);
    const [key] = Object.keys(sessionStorage);
    expect(key).toBe("portico:before-portal:user");
    const stored = JSON.parse(sessionStorage.getItem(key ?? "") ?? "null");
    expect(Object.keys(stored.view).sort()).toEqual(
      ["cancelAt", "cancelAtPeriodEnd", "card", "plan", "seats", "status"].sort(),
    );
    expect(JSON.stringify(stored)).not.toContain("entitlements");
  });

  it("leaving without a loaded subscription forgets an older one", () => {
    rememberSubscription(undefined, userPro);
    rememberSubscription(undefined, undefined);
    expect(takeRememberedSubscription(undefined)).toBeUndefined();
  });

  it("is ignored after a day, or when written in another shape", () => {
    const now = Date.now();
    rememberSubscription(undefined, userPro);
    vi.spyOn(Date, "now").mockReturnValue(now + 25 * 60 * 60 * 1000);
    expect(takeRememberedSubscription(undefined)).toBeUndefined();

    sessionStorage.setItem(
      "portico:before-portal:user",
      JSON.stringify({ version: 0, savedAt: now }),
    );
    expect(takeRememberedSubscription(undefined)).toBeUndefined();
    sessionStorage.setItem("portico:before-portal:user", "not json");
    expect(takeRememberedSubscription(undefined)).toBeUndefined();
  });

  it("with storage turned off, remembers nothing and does not throw", () => {
    const refuse = () => {
      throw new DOMException("The operation is insecure.", "SecurityError");
    };
    vi.stubGlobal("sessionStorage", { getItem: refuse, setItem: refuse, removeItem: refuse });
    expect(() => rememberSubscription(undefined, userPro)).not.toThrow();
    expect(takeRememberedSubscription(undefined)).toBeUndefined();
  });
});
