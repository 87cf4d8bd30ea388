/**
 * Each account+mode has its own clock so a later "test clock" feature can move time
 * forward for one account without disturbing tests that share the process.
 */
export type Clock = {
  /** Current time in unix seconds, as Stripe reports `created` and periods. */
  now(): number;
  advanceBy(seconds: number): void;
  /** Moves to an absolute time; refuses to go backwards, as Stripe test clocks do. */
  advanceTo(unixSeconds: number): void;
};

export function createClock(realNow: () => number = () => Math.floor(Date.now() / 1000)): Clock {
  let offset = 0;
  return {
    now: () => realNow() + offset,
    advanceBy(seconds) {
      if (seconds < 0) throw new RangeError("A clock can only move forward");
      offset += seconds;
    },
    advanceTo(unixSeconds) {
      const delta = unixSeconds - (realNow() + offset);
      if (delta < 0) throw new RangeError("A clock can only move forward");
      offset += delta;
    },
  };
}
