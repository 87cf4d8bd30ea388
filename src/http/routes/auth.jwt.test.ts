import { randomBytes } from "node:crypto";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyCatalog, EXAMPLE_BILLING_CONFIG } from "../../../test/checkout.js";
import {
  postJson,
  signUp,
  startTestPortico,
  type TestPortico,
  uniqueEmail,
} from "../../../test/portico.js";
import { findBillingCustomer } from "../../db/billing-customers.js";
import { userSubjectId } from "../../db/subjects.js";

/** The host app's users, signed in with its own JWT (no AUTH_JWT_ISSUER: any `iss` is taken). */

const JWT_SECRET = "host-app-shared-secret-0123456789abcdef";

const sign = (claims: Record<string, unknown>) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .setExpirationTime("5m")
    .sign(new TextEncoder().encode(JWT_SECRET));

const newSubject = () => `user-${randomBytes(6).toString("hex")}`;

describe("auth with the host app's JWT", () => {
  let t: TestPortico;
  beforeAll(async () => {
    t = await startTestPortico({
      env: { AUTH_JWT_SECRET: JWT_SECRET, PORTICO_CONFIG: EXAMPLE_BILLING_CONFIG },
    });
    await applyCatalog(t);
  });
  afterAll(() => t.close());

  const me = async (token: string) => {
    const response = await fetch(`${t.url}/api/auth/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await response.json()) as { data?: { user: { id: string; email: string } } };
    return { status: response.status, user: body.data?.user };
  };
  const meWith = async (claims: Record<string, unknown>) => me(await sign(claims));

  describe("happy", () => {
    it("answers the token's email, and follows it when the token's email changes", async () => {
      const sub = newSubject();
      const first = await meWith({ sub, email: "Ann@Example.com" });
      expect(first).toMatchObject({ status: 200, user: { email: "ann@example.com" } });
      const changed = await meWith({ sub, email: "ann@new.example" });
      expect(changed.user).toEqual({ id: first.user?.id, email: "ann@new.example" });
      // A token without the claim says nothing new: the address stays.
      expect((await meWith({ sub })).user).toEqual(changed.user);
    });

    it("creates the Stripe customer with the token's email at checkout", async () => {
      const email = uniqueEmail();
      const token = await sign({ sub: newSubject(), email });
      const started = await postJson(t, "/api/billing/checkout", { price: "pro_monthly" }, token);
      expect(started.status).toBe(200);
      const { user } = await me(token);
      const link = await findBillingCustomer(
        t.portico.database.db,
        userSubjectId(user?.id ?? ""),
        false,
      );
      const customer = await t.stripe.test.customers.retrieve(link?.stripeCustomerId ?? "");
      expect(customer).toMatchObject({ email, metadata: { portico_user_id: user?.id } });
    });
  });

  describe("error", () => {
    it("answers 401, not a database error, for a NUL in sub", async () => {
      expect((await meWith({ sub: "nul\u0000byte" })).status).toBe(401);
    });
  });

  describe("security", () => {
    it("tells (iss a|b, sub c) from (iss a, sub b|c)", async () => {
      const tail = newSubject();
      const one = await meWith({ iss: `a|${tail}`, sub: "c" });
      const other = await meWith({ iss: "a", sub: `${tail}|c` });
      expect(one.status).toBe(200);
      expect(other.status).toBe(200);
      expect(one.user?.id).not.toBe(other.user?.id);
    });

    it("keeps no email the provider marks unverified, nor one that is no address", async () => {
      const sub = newSubject();
      expect((await meWith({ sub, email: "ann@example.com" })).user?.email).toBe("ann@example.com");
      const unverified = { sub, email: "mallory@example.com", email_verified: false };
      expect((await meWith(unverified)).user?.email).toBe("ann@example.com");
      expect((await meWith({ sub, email: "<script>@x" })).user?.email).toBe("ann@example.com");
    });

    it("never joins a token to the password account of the same email", async () => {
      const account = await signUp(t);
      const viaToken = await meWith({ sub: newSubject(), email: account.email });
      expect(viaToken.status).toBe(200);
      expect(viaToken.user?.id).not.toBe(account.user.id);
      const login = await postJson(t, "/api/auth/login", {
        email: account.email,
        password: account.password,
      });
      const loggedIn = (await login.json()) as { data: { user: { id: string } } };
      expect(loggedIn.data.user.id).toBe(account.user.id);
      // A token's email claims nothing either: the address can still sign up.
      const claimed = uniqueEmail();
      expect((await meWith({ sub: newSubject(), email: claimed })).status).toBe(200);
      expect((await signUp(t, claimed)).user.email).toBe(claimed);
    });
  });

  describe("organizations in the token", () => {
    const subscriptionOf = async (token: string, organizationId: string) =>
      fetch(`${t.url}/api/billing/subscription?organizationId=${organizationId}`, {
        headers: { authorization: `Bearer ${token}` },
      });

    it("bills the token's org_id, with the role org_role gives", async () => {
      const org = `org_${randomBytes(6).toString("hex")}`;
      const admin = await sign({
        sub: newSubject(),
        email: uniqueEmail(),
        org_id: org,
        org_role: "org:admin",
      });
      const started = await postJson(
        t,
        "/api/billing/checkout",
        { price: "pro_monthly", organizationId: org },
        admin,
      );
      expect(started.status).toBe(200);
      const customers = (await t.stripe.test.customers.list({ limit: 100 })).data.filter(
        (customer) =>
          customer.metadata.portico_organization_id !== undefined && customer.name === org,
      );
      expect(customers).toHaveLength(1);

      // Another user of the same org, as a plain member: may view, may not buy.
      const member = await sign({ sub: newSubject(), org_id: org, org_role: "org:member" });
      const view = await subscriptionOf(member, org);
      expect(view.status).toBe(200);
      expect((await view.json()).data.hasCustomer).toBe(true);
      const refused = await postJson(
        t,
        "/api/billing/checkout",
        { price: "pro_monthly", organizationId: org },
        member,
      );
      expect(refused.status).toBe(404);
    });

    it("answers 404 for an organization the token does not name", async () => {
      const token = await sign({ sub: newSubject(), org_id: "org_a", org_role: "admin" });
      expect((await subscriptionOf(token, "org_b")).status).toBe(404);
      const none = await sign({ sub: newSubject() });
      expect((await subscriptionOf(none, "org_a")).status).toBe(404);
      // The token's claims are not echoed back as the user.
      expect((await me(token)).user).toEqual({ id: expect.any(String), email: null });
    });
  });
});
