import { describe, expect, it } from "vitest";
import { decideSync } from "./watermark.js";

const at = (seconds: number) => new Date(seconds * 1000);

describe("decideSync", () => {
  it.each([
    ["no row yet", undefined, 100, "refetch", "payload"],
    ["a row written by a pull (no event time)", null, 100, "refetch", "payload"],
    ["an event newer than the row", at(99), 100, "refetch", "payload"],
    ["an event from the same second: order unknown", at(100), 100, "refetch", "refetch"],
    ["an event older than the row", at(101), 100, "skip", "skip"],
  ] as const)("%s", (_, stored, created, withRefetch, withPayload) => {
    expect(decideSync(stored, created, "refetch")).toBe(withRefetch);
    expect(decideSync(stored, created, "payload")).toBe(withPayload);
  });
});
