import { describe, expect, it } from "vitest";
import { createRateLimiter, type LimiterClock } from "./rate-limiter.js";

/** A clock that only moves when someone sleeps; sleeps may be cut short to test early timers. */
function fakeClock(early = 0): LimiterClock & { time: number } {
  const clock = {
    time: 1_000,
    now: () => clock.time,
    sleep: async (ms: number) => {
      // Early by `early` ms on long sleeps; short ones run their course, as real timers do.
      clock.time += ms > 2 * early ? ms - early : ms;
    },
  };
  return clock;
}

async function startTimes(perSecond: number, requests: number, clock: LimiterClock) {
  const limiter = createRateLimiter(perSecond, clock);
  const starts: number[] = [];
  await Promise.all(
    Array.from({ length: requests }, () => limiter.acquire().then(() => starts.push(clock.now()))),
  );
  return starts;
}

function mostInOneSecond(starts: number[]) {
  return Math.max(
    ...starts.map((start) => starts.filter((t) => t >= start && t < start + 1000).length),
  );
}

describe("createRateLimiter", () => {
  it("spaces concurrent requests 1/rate apart, the first at once", async () => {
    const clock = fakeClock();
    const starts = await startTimes(25, 60, clock);
    expect(starts[0]).toBe(1_000);
    const gaps = starts.slice(1).map((start, i) => start - (starts[i] ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(40);
    expect(mostInOneSecond(starts)).toBe(25);
  });

  it("keeps the spacing when timers fire early", async () => {
    const clock = fakeClock(0.7);
    const starts = await startTimes(100, 250, clock);
    expect(mostInOneSecond(starts)).toBeLessThanOrEqual(100);
  });

  it("does not wait after an idle period", async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter(10, clock);
    await limiter.acquire();
    clock.time += 5_000;
    const before = clock.time;
    await limiter.acquire();
    expect(clock.time).toBe(before);
  });
});
