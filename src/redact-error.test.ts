import { DrizzleQueryError } from "drizzle-orm/errors";
import { describe, expect, it } from "vitest";
import { PorticoError } from "./errors.js";
import { describeError, redactError } from "./redact-error.js";

const EMAIL = "private.person@example.com";

function failedInsert() {
  const cause = Object.assign(new Error(`invalid input syntax for type uuid: "${EMAIL}"`), {
    code: "22P02",
    severity: "ERROR",
    detail: `Failing row contains (${EMAIL}).`,
  });
  return new DrizzleQueryError('insert into "users" ("email") values ($1)', [EMAIL], cause);
}

describe("redactError", () => {
  it("drops a failed statement's values from the error and its causes, keeping the rest", () => {
    const wrapped = new PorticoError("WEBHOOK_HANDLER_FAILED", "could not apply", {
      cause: failedInsert(),
    });
    const redacted = redactError(wrapped) as PorticoError;
    expect(redacted).toBeInstanceOf(PorticoError);
    expect(redacted.code).toBe("WEBHOOK_HANDLER_FAILED");
    expect(redacted.status).toBe(500);
    const query = redacted.cause as DrizzleQueryError;
    expect(query).toBeInstanceOf(DrizzleQueryError);
    expect(query.message).toBe('Failed query: insert into "users" ("email") values ($1)');
    expect(query.query).toBe('insert into "users" ("email") values ($1)');
    expect(query.params).toBeUndefined();
    const driver = query.cause as Error & { code: string; detail?: string };
    expect(driver).toMatchObject({ code: "22P02" });
    expect(driver.detail).toBeUndefined();
    expect(driver.message).toBe('invalid input syntax for type uuid: "[redacted]"');
    expect(JSON.stringify([redacted.stack, query.stack, driver.stack])).not.toContain(EMAIL);
    // The original is left alone.
    expect((wrapped.cause as DrizzleQueryError).params).toEqual([EMAIL]);
  });

  it("describes an error for last_error without the values", () => {
    expect(describeError(failedInsert())).toBe(
      'Error: Failed query: insert into "users" ("email") values ($1)',
    );
    expect(describeError(new TypeError("boom"))).toBe("TypeError: boom");
    expect(describeError("plain")).toBe("plain");
  });

  it("survives a cause cycle", () => {
    const a = new Error("a") as Error & { cause?: unknown };
    const b = new Error("b", { cause: a });
    a.cause = b;
    expect(() => redactError(a)).not.toThrow();
  });
});
