import { describe, expect, it } from "vitest";
import { createGroupCommit } from "./group-commit.js";

class BadItemError extends Error {}

/** A group commit over numbers whose write fails for a batch holding any `bad` item. */
function numbers(
  options: { bad?: number[]; outage?: boolean; isolate?: boolean; linger?: number } = {},
) {
  const writes: number[][] = [];
  const group = createGroupCommit<number, string>({
    maxBatch: 100,
    linger: options.linger,
    async write(items) {
      writes.push(items);
      if (options.outage) throw new Error("connection refused");
      const culprit = items.find((item) => options.bad?.includes(item));
      if (culprit !== undefined) throw new BadItemError(`item ${culprit}`);
      return items.map((item) => `stored ${item}`);
    },
    ...(options.isolate === false ? {} : { isolate: (error) => error instanceof BadItemError }),
  });
  const submitAll = (items: number[]) =>
    Promise.allSettled(items.map((item) => group.submit(item)));
  return { group, writes, submitAll };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("group commit", () => {
  it("writes items submitted together in one batch and answers each its own result", async () => {
    const { writes, submitAll } = numbers();
    const results = await submitAll(range(30));
    expect(writes).toEqual([range(30)]);
    expect(results).toEqual(range(30).map((i) => ({ status: "fulfilled", value: `stored ${i}` })));
  });

  it("fails only the bad item of a batch, and writes the rest", async () => {
    const { writes, submitAll } = numbers({ bad: [17] });
    const results = await submitAll(range(30));
    for (const [i, result] of results.entries()) {
      if (i === 17)
        expect(result).toMatchObject({ status: "rejected", reason: { message: "item 17" } });
      else expect(result, `item ${i}`).toEqual({ status: "fulfilled", value: `stored ${i}` });
    }
    // Halving: the batch, then about two writes per level down to the culprit alone.
    expect(writes.length).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(30)));
    expect(writes.at(-1)).not.toContain(17);
    expect(writes.filter((batch) => batch.length === 1 && batch[0] === 17)).toHaveLength(1);
  });

  it("fails each of several bad items alone", async () => {
    const { submitAll } = numbers({ bad: [0, 5, 29] });
    const results = await submitAll(range(30));
    const rejected = results.flatMap((result, i) => (result.status === "rejected" ? [i] : []));
    expect(rejected).toEqual([0, 5, 29]);
  });

  it("fails the whole batch at once on an outage, without writing items one by one", async () => {
    const { writes, submitAll } = numbers({ outage: true });
    const results = await submitAll(range(30));
    expect(results.every((result) => result.status === "rejected")).toBe(true);
    expect(writes).toHaveLength(1);
  });

  it("without isolate, one bad item fails its batch (the old contract)", async () => {
    const { writes, submitAll } = numbers({ bad: [3], isolate: false });
    const results = await submitAll(range(10));
    expect(results.every((result) => result.status === "rejected")).toBe(true);
    expect(writes).toHaveLength(1);
  });

  it("lingers for company when asked, and idle() still waits for the lingering batch", async () => {
    const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
    const spaced = async (group: ReturnType<typeof numbers>["group"]) => {
      const first = group.submit(0);
      await nextTurn();
      const second = group.submit(1);
      return Promise.all([first, second]);
    };

    const eager = numbers();
    await spaced(eager.group);
    expect(eager.writes).toEqual([[0], [1]]);

    const lingering = numbers({ linger: 30 });
    void spaced(lingering.group);
    await nextTurn();
    expect(lingering.writes).toEqual([]);
    await lingering.group.idle();
    expect(lingering.writes).toEqual([[0, 1]]);
  });

  it("with a concurrency of two, writes a second batch while the first is in flight", async () => {
    const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
    const writes: { items: number[]; finish(): void }[] = [];
    const group = createGroupCommit<number, number>({
      maxBatch: 100,
      concurrency: 2,
      write: (items) =>
        new Promise((resolve) => writes.push({ items, finish: () => resolve(items) })),
    });
    const answers = [group.submit(0)];
    await nextTurn();
    answers.push(group.submit(1));
    await nextTurn();
    answers.push(group.submit(2), group.submit(3));
    await nextTurn();
    // Both writes are in flight: 2 and 3 wait for the first to finish, then go together.
    expect(writes.map((write) => write.items)).toEqual([[0], [1]]);
    let idle = false;
    void group.idle().then(() => {
      idle = true;
    });
    writes[0]?.finish();
    await nextTurn();
    expect(writes.map((write) => write.items)).toEqual([[0], [1], [2, 3]]);
    writes[1]?.finish();
    await nextTurn();
    expect(idle).toBe(false);
    writes[2]?.finish();
    expect(await Promise.all(answers)).toEqual([0, 1, 2, 3]);
    await nextTurn();
    expect(idle).toBe(true);
  });
});
