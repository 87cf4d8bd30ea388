import { z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { PorticoError } from "../errors.js";
import { validationHook } from "./validation.js";

/** Runs the hook as the validator does, and answers what it threw. */
function runHook(result: Parameters<typeof validationHook>[0]): PorticoError | undefined {
  try {
    validationHook(result);
    return undefined;
  } catch (error) {
    return error as PorticoError;
  }
}

describe("validationHook", () => {
  it("lets a valid input through", () => {
    const data = { plan: "pro", flow: { type: "customer_update" }, tags: ["a", "é", "😀"] };
    expect(runHook({ success: true, data, target: "json" })).toBeUndefined();
  });

  it("turns a zod failure into a 422 naming the field", () => {
    const parsed = z.object({ limit: z.number() }).safeParse({ limit: "x" });
    if (parsed.success) throw new Error("expected a failure");
    const error = runHook({ success: false, error: parsed.error, target: "query" });
    expect(error?.code).toBe("VALIDATION_ERROR");
    expect(error?.details?.[0]).toMatchObject({ path: ["limit"], location: "query" });
  });

  // PostgreSQL cannot hold NUL in text, nor an unpaired surrogate in json: a request
  // carrying one must be refused as input, not reach SQL and come back as an outage.
  it.each([
    ["a NUL in a body field", { email: "a\u0000@example.com" }, "json", ["email"], "body"],
    [
      "a NUL deep in the body",
      { flow: { items: ["ok", "x\u0000"] } },
      "json",
      ["flow", "items", 1],
      "body",
    ],
    ["an unpaired surrogate", { name: "x\ud800" }, "json", ["name"], "body"],
    ["a NUL in a query parameter", { cursor: "\u0000" }, "query", ["cursor"], "query"],
    ["a NUL in a form field", { returnUrl: "http://x/\u0000" }, "form", ["returnUrl"], "body"],
  ])("refuses %s with a 422 naming it", (_, data, target, path, location) => {
    const error = runHook({ success: true, data, target });
    expect(error).toBeInstanceOf(PorticoError);
    expect(error?.code).toBe("VALIDATION_ERROR");
    expect(error?.details).toEqual([
      expect.objectContaining({ path, location, message: expect.stringMatching(/NUL/) }),
    ]);
  });
});
