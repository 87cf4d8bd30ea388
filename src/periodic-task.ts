/**
 * Runs `run` every `intervalMs` (0: never), each run starting an interval after the last
 * one ended, jittered by ±25 % so that instances started together do not run in step.
 * A failed run is reported to `failed`, and the next one is scheduled all the same. A run
 * that loops asks `stopping()` between steps, to end early once `stop()` was called.
 */
export function createPeriodicTask(options: {
  intervalMs: number;
  run(stopping: () => boolean): Promise<unknown>;
  failed(error: unknown): void;
}) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  function schedule() {
    if (stopped) return;
    const delay = options.intervalMs * (0.75 + Math.random() * 0.5);
    timer = setTimeout(() => {
      running = options
        .run(() => stopped)
        .then(
          () => undefined,
          (error: unknown) => options.failed(error),
        )
        .finally(() => {
          running = undefined;
          schedule();
        });
    }, delay);
    timer.unref();
  }

  return {
    start() {
      if (options.intervalMs > 0 && !timer && !stopped) schedule();
    },
    /** No run starts after this; resolves once the run in hand, if any, has ended. */
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
