import { describe, expect, it } from "vitest";
import { rangeOfPage } from "./list-range.js";

const objects = (...pairs: [string, number][]) => pairs.map(([id, created]) => ({ id, created }));

describe("rangeOfPage", () => {
  it("covers everything newer than the first page's oldest second, and carries that second on", () => {
    const first = rangeOfPage(null, {
      objects: objects(["c", 300], ["b", 200], ["a", 200]),
      hasMore: true,
    });
    expect(first).toMatchObject({
      after: 200,
      upTo: null,
      next: { created: 200, ids: ["b", "a"] },
    });

    const last = rangeOfPage(first.next, {
      objects: objects(["z", 200], ["y", 100]),
      hasMore: false,
    });
    expect(last).toMatchObject({ after: null, upTo: 200, next: null });
    // The ids listed at second 200 on the first page still count as listed.
    expect([...last.listed].sort()).toEqual(["a", "b", "y", "z"]);
  });

  it("accumulates ids while whole pages share one second", () => {
    const first = rangeOfPage(null, { objects: objects(["b", 50], ["a", 50]), hasMore: true });
    const second = rangeOfPage(first.next, {
      objects: objects(["d", 50], ["c", 50]),
      hasMore: true,
    });
    expect(second).toMatchObject({ after: 50, upTo: 50, next: { created: 50 } });
    expect(second.next?.ids.sort()).toEqual(["a", "b", "c", "d"]);
  });

  it("an empty list covers all time", () => {
    expect(rangeOfPage(null, { objects: [], hasMore: false })).toMatchObject({
      after: null,
      upTo: null,
      next: null,
    });
  });
});
