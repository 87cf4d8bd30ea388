import { describe, expect, it } from "vitest";
import { ERROR_CODES, PorticoError, statusForCode } from "./errors.js";

describe("error codes", () => {
  it.each([
    ["VALIDATION_ERROR", 422],
    ["UNAUTHORIZED", 401],
    ["NOT_FOUND", 404],
    ["ALREADY_SUBSCRIBED", 409],
    ["RATE_LIMITED", 429],
    ["INTERNAL_ERROR", 500],
    ["PORTAL_NOT_CONFIGURED", 503],
    ["STRIPE_UNAVAILABLE", 503],
  ] as const)("%s answers %i", (code, status) => {
    expect(statusForCode(code)).toBe(status);
    expect(new PorticoError(code, "x").status).toBe(status);
  });

  it("maps every code to an error status", () => {
    for (const [code, status] of Object.entries(ERROR_CODES)) {
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(code).toMatch(/^[A-Z]+(_[A-Z]+)*$/);
    }
  });
});
