/**
 * Keeps account-wide clock advances out of the way of work that spans several Stripe calls.
 * A checkout session lives 24 hours on the account's clock; an advance by another customer
 * between creating the session and paying it would expire it. A seat change reads the
 * subscription, then updates it; an advance in between may end it. The chaos is about
 * sync, not those races.
 */
export interface ClockGate {
  /** Runs the work (a checkout, a seat change); waits while an advance is running. */
  betweenAdvances<T>(run: () => Promise<T>): Promise<T>;
  /** Runs an advance once no such work is running, one advance at a time. */
  advance(run: () => Promise<unknown>): Promise<void>;
}

export function createClockGate(): ClockGate {
  let running = 0;
  let advancing: Promise<void> | undefined;
  let whenIdle: (() => void)[] = [];

  return {
    async betweenAdvances(run) {
      while (advancing) await advancing;
      running++;
      try {
        return await run();
      } finally {
        running--;
        if (running === 0) {
          for (const resolve of whenIdle) resolve();
          whenIdle = [];
        }
      }
    },
    async advance(run) {
      while (advancing) await advancing;
      const work = (async () => {
        if (running > 0) await new Promise<void>((resolve) => whenIdle.push(resolve));
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
