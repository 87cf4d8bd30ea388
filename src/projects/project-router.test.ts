import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { generateSessionToken } from "../auth/tokens.js";
import { projectOfRequest } from "./project-router.js";

const request = (path: string, headers: Record<string, string> = {}) =>
  new Request(`http://portico.test${path}`, { headers });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const jwt = (claims: Record<string, unknown>) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .sign(new TextEncoder().encode("any secret will do, it is not checked"));

describe("projectOfRequest", () => {
  it("reads the project of a webhook URL", () => {
    expect(projectOfRequest(request("/api/v1/payments/stripe/webhooks/acme/test"))).toBe("acme");
    expect(projectOfRequest(request("/api/webhooks/stripe"))).toBeUndefined();
  });

  it("reads the project a credential names: a project session, or a JWT's project_id", async () => {
    const session = generateSessionToken("acme");
    expect(projectOfRequest(request("/api/auth/me", bearer(session)))).toBe("acme");
    const token = await jwt({ sub: "u", project_id: "globex" });
    expect(projectOfRequest(request("/api/billing/portal", bearer(token)))).toBe("globex");
    // The server's own credentials name no project.
    expect(projectOfRequest(request("/api/auth/me", bearer(generateSessionToken())))).toBe(
      undefined,
    );
    expect(projectOfRequest(request("/api/auth/me", bearer(await jwt({ sub: "u" }))))).toBe(
      undefined,
    );
    expect(projectOfRequest(request("/api/auth/me", bearer(await jwt({ project_id: 7 }))))).toBe(
      undefined,
    );
    expect(projectOfRequest(request("/api/auth/me", bearer("not.a.jwt")))).toBeUndefined();
  });

  it("takes the header without a project credential, and names nothing when they disagree", async () => {
    expect(projectOfRequest(request("/api/auth/login", { "portico-project": "acme" }))).toBe(
      "acme",
    );
    const session = generateSessionToken("acme");
    const both = { ...bearer(session), "portico-project": "acme" };
    expect(projectOfRequest(request("/api/auth/me", both))).toBe("acme");
    const contradicting = { ...bearer(session), "portico-project": "globex" };
    expect(projectOfRequest(request("/api/auth/me", contradicting))).toBe("");
  });

  it("leaves pages and operations to the server", () => {
    expect(projectOfRequest(request("/metrics", { "portico-project": "acme" }))).toBeUndefined();
    expect(projectOfRequest(request("/", bearer(generateSessionToken("acme"))))).toBeUndefined();
  });
});
