/**
 * When a failed delivery is tried again: 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, then
 * every 8 h, about three days in all (17 attempts); after the last one the delivery is
 * `failed` and waits for `portico events redeliver`. Each wait is spread by ±20 % so that the
 * deliveries of one outage do not all come back in the same second.
 */
const WAITS_SECONDS = [
  5,
  30,
  120,
  600,
  1800,
  3600,
  7200,
  14_400,
  ...Array.from({ length: 8 }, () => 28_800),
];

/** Attempts a delivery gets before it is `failed`: the first, and one per wait. */
export const MAX_DELIVERY_ATTEMPTS = WAITS_SECONDS.length + 1;

const JITTER = 0.2;

/**
 * When to try again after `attempts` failed attempts, or undefined when that was the last.
 * `random` is `Math.random`, or a test's fixed value.
 */
export function nextAttemptAt(
  attempts: number,
  now: Date,
  random: () => number = Math.random,
): Date | undefined {
  const wait = WAITS_SECONDS[attempts - 1];
  if (wait === undefined || attempts < 1) return undefined;
  const spread = 1 - JITTER + 2 * JITTER * random();
  return new Date(now.getTime() + wait * spread * 1000);
}

/** The wait after `attempts` failed attempts, without jitter, for docs and tests. */
export const retryWaitSeconds = (attempts: number): number | undefined =>
  WAITS_SECONDS[attempts - 1];
