import { describe, expect, it } from "vitest";
import {
  findUnstorableText,
  isStorableText,
  isStorableTime,
  replaceUnstorableText,
} from "./storable-values.js";

describe("storable values", () => {
  it("accepts any well-formed text without NUL, astral characters included", () => {
    for (const text of ["", "plain", "é ü ß", "日本語", "😀 a pair of surrogates", "\u0001\t\n"]) {
      expect(isStorableText(text), text).toBe(true);
    }
  });

  it("refuses NUL and unpaired surrogates, wherever they sit", () => {
    for (const text of [
      "\u0000",
      "a\u0000b",
      "\ud800",
      "x\udc00",
      "\ud83d",
      "\ude00 reversed \ud83d",
    ]) {
      expect(isStorableText(text), JSON.stringify(text)).toBe(false);
    }
  });

  it("finds the path of the first bad string or key", () => {
    expect(findUnstorableText({ a: [1, "ok", { b: "x\u0000" }] })).toEqual(["a", 2, "b"]);
    expect(findUnstorableText({ ok: { "k\ud800": 1 } })).toEqual(["ok", "k\ud800"]);
    expect(findUnstorableText("\u0000")).toEqual([]);
    expect(findUnstorableText({ a: ["fine", 1, null, true], b: { c: "😀" } })).toBeUndefined();
  });

  it("replaces bad characters with U+FFFD and keeps clean parts as they were", () => {
    const clean = { id: "cus_1", tags: ["a"] };
    const value = { clean, name: "a\u0000b", list: ["\ud800", 3], "k\u0000": null };
    const replaced = replaceUnstorableText(value);
    expect(replaced).toEqual({
      clean,
      name: "a\ufffdb",
      list: ["\ufffd", 3],
      "k\ufffd": null,
    });
    expect(replaced.clean).toBe(clean);
    expect(replaceUnstorableText(clean)).toBe(clean);
    expect(findUnstorableText(replaced)).toBeUndefined();
  });

  it("accepts the times a timestamptz parameter carries: years 1 to 9999", () => {
    expect(isStorableTime(0)).toBe(true);
    expect(isStorableTime(Date.parse("0001-01-01T00:00:00Z"))).toBe(true);
    expect(isStorableTime(Date.parse("9999-12-31T23:59:59.999Z"))).toBe(true);
    for (const ms of [8.64e15, -62198755200001, 253402300800000, Number.NaN, Infinity]) {
      expect(isStorableTime(ms), String(ms)).toBe(false);
    }
  });
});
