import { describe, expect, it } from "vitest";
import { createSessionCache } from "./session-cache.js";

const user = { id: "u1", email: "u1@example.com" };
const farFuture = new Date(Date.UTC(2100, 0, 1));

function cacheAt(start = 1_000_000) {
  let now = start;
  const cache = createSessionCache({ ttlMs: 5_000, now: () => now });
  cache.trust(true);
  return { cache, advance: (ms: number) => (now += ms), now: () => now };
}

describe("the session cache", () => {
  it("answers a remembered session until its TTL", () => {
    const { cache, advance } = cacheAt();
    cache.remember("h1", user, farFuture, cache.mark());
    expect(cache.get("h1")).toEqual(user);
    advance(4_999);
    expect(cache.get("h1")).toEqual(user);
    advance(1);
    expect(cache.get("h1")).toBeUndefined();
  });

  it("never outlives the session itself", () => {
    const { cache, advance, now } = cacheAt();
    cache.remember("h1", user, new Date(now() + 1_000), cache.mark());
    advance(1_000);
    expect(cache.get("h1")).toBeUndefined();
  });

  it("forgets a revoked session, and keeps no lookup that began before the revocation", () => {
    const { cache } = cacheAt();
    cache.remember("h1", user, farFuture, cache.mark());
    const mark = cache.mark();
    cache.forget("h1");
    expect(cache.get("h1")).toBeUndefined();
    // A lookup that read the session before it was revoked answers late: not kept.
    cache.remember("h1", user, farFuture, mark);
    expect(cache.get("h1")).toBeUndefined();
  });

  it("answers nothing from memory, and drops everything, while revocations cannot reach it", () => {
    const { cache } = cacheAt();
    cache.remember("h1", user, farFuture, cache.mark());
    cache.trust(false);
    expect(cache.get("h1")).toBeUndefined();
    cache.remember("h2", user, farFuture, cache.mark());
    cache.trust(true);
    expect(cache.get("h1")).toBeUndefined();
    expect(cache.get("h2")).toBeUndefined();
  });

  it("starts untrusted", () => {
    const cache = createSessionCache();
    cache.remember("h1", user, farFuture, cache.mark());
    expect(cache.get("h1")).toBeUndefined();
  });
});
