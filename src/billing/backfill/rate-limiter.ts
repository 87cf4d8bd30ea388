export interface RateLimiter {
  /** Resolves when the next request may start. */
  acquire(): Promise<void>;
}

export interface LimiterClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: LimiterClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * At most `perSecond` requests in any one-second window: a token bucket that holds a single
 * token, so requests start at least 1/perSecond apart. A deeper bucket would let a burst
 * and the refill after it land in the same second, which is what Stripe counts.
 */
export function createRateLimiter(perSecond: number, clock: LimiterClock = realClock): RateLimiter {
  const interval = 1000 / perSecond;
  let nextStart = Number.NEGATIVE_INFINITY;
  let queue: Promise<void> = Promise.resolve();

  async function waitForTurn() {
    // A timer may fire early by a fraction of a millisecond: check the clock, not the timer.
    let now = clock.now();
    while (now < nextStart) {
      await clock.sleep(nextStart - now);
      now = clock.now();
    }
    nextStart = now + interval;
  }

  return {
    acquire() {
      // Callers queue in arrival order; each waits for the one before it.
      queue = queue.then(waitForTurn);
      return queue;
    },
  };
}
