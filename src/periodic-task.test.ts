import { describe, expect, it } from "vitest";
import { createPeriodicTask } from "./periodic-task.js";

describe("createPeriodicTask", () => {
  it("runs again after a failed run, and stop() waits for the run in hand", async () => {
    const failures: unknown[] = [];
    let runs = 0;
    let release: (() => void) | undefined;
    const task = createPeriodicTask({
      intervalMs: 5,
      async run() {
        runs++;
        if (runs === 1) throw new Error("first run fails");
        if (runs === 3) await new Promise<void>((resolve) => (release = resolve));
      },
      failed: (error) => failures.push(error),
    });
    task.start();
    while (!release) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(runs).toBe(3);
    expect(failures).toEqual([new Error("first run fails")]);

    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(stopped).toBe(false);
    release();
    await stopping;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(runs).toBe(3);
  });

  it("never runs with an interval of 0", async () => {
    let runs = 0;
    const task = createPeriodicTask({ intervalMs: 0, run: async () => runs++, failed: () => {} });
    task.start();
    await new Promise((resolve) => setTimeout(resolve, 30));
    await task.stop();
    expect(runs).toBe(0);
  });
});
