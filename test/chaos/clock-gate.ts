/**
 * Keeps account-wide clock advances out of the way of checkouts. A checkout session lives
 * 24 hours on the account's clock; an advance by another customer between creating the
 * session and paying it would expire it, and the chaos is about sync, not that race.
 */
export interface ClockGate {
  /** Runs a checkout; waits while an advance is running. */
  duringCheckout<T>(run: () => Promise<T>): Promise<T>;
  /** Runs an advance once no checkout is running, one advance at a time. */
  advance(run: () => Promise<unknown>): Promise<void>;
}

export function createClockGate(): ClockGate {
  let checkouts = 0;
  let advancing: Promise<void> | undefined;
  let whenNoCheckout: (() => void)[] = [];

  return {
    async duringCheckout(run) {
      while (advancing) await advancing;
      checkouts++;
      try {
        return await run();
      } finally {
        checkouts--;
        if (checkouts === 0) {
          for (const resolve of whenNoCheckout) resolve();
          whenNoCheckout = [];
        }
      }
    },
    async advance(run) {
      while (advancing) await advancing;
      const work = (async () => {
        if (checkouts > 0) await new Promise<void>((resolve) => whenNoCheckout.push(resolve));
        await run();
      })();
      const done: Promise<void> = work.then(
        () => {},
        () => {},
      );
      advancing = done;
      void done.then(() => {
        if (advancing === done) advancing = undefined;
      });
      await work;
    },
  };
}
