/**
 * Group commit: callers submit one item each; while a batch is being written, newer items
 * wait and are written together in the next one. A lone caller is written on the next turn
 * of the event loop (no timer, no added latency), unless the group lingers; under load,
 * batches grow with the load, so a write per batch replaces a write per item.
 */
export interface GroupCommit<T, R> {
  submit(item: T): Promise<R>;
  /** Resolves when nothing is queued or being written. */
  idle(): Promise<void>;
  /** Whether every write is in flight: an item submitted now waits for one to finish. */
  saturated(): boolean;
}

interface Pending<T, R> {
  item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

export function createGroupCommit<T, R>(options: {
  maxBatch: number;
  /** Writes a batch; answers one result per item, in order. A throw fails the whole batch. */
  write(items: T[]): Promise<R[]>;
  /**
   * Whether a failed write may be one item's fault (bad data, not an outage). Such a batch
   * is split in halves and each written again, down to single items, so that only the
   * culprit fails: one bad item among n costs about 2·log2(n) writes, not n.
   */
  isolate?(error: unknown): boolean;
  /**
   * Milliseconds a first item waits for company before its batch is written. For writes
   * nobody awaits (rows written behind a response), where fewer, larger batches are worth
   * more than the delay. Default 0: the next turn of the event loop.
   */
  linger?: number;
  /**
   * Batches written at once (default 1). With every write in flight, newer items wait for
   * the first to finish; with a free one, they go on the next turn, so batches are smaller.
   */
  concurrency?: number;
}): GroupCommit<T, R> {
  const queue: Pending<T, R>[] = [];

  async function settle(batch: Pending<T, R>[]): Promise<void> {
    try {
      const results = await options.write(batch.map((pending) => pending.item));
      for (const [index, pending] of batch.entries()) pending.resolve(results[index] as R);
    } catch (error) {
      if (batch.length > 1 && options.isolate?.(error)) {
        const middle = Math.ceil(batch.length / 2);
        await settle(batch.slice(0, middle));
        await settle(batch.slice(middle));
        return;
      }
      for (const pending of batch) pending.reject(error);
    }
  }

  const concurrency = options.concurrency ?? 1;
  let active = 0;
  let scheduled = false;
  let idleWaiters: (() => void)[] = [];

  function pump() {
    scheduled = false;
    while (active < concurrency && queue.length > 0) {
      active++;
      void settle(queue.splice(0, options.maxBatch)).finally(() => {
        active--;
        pump();
      });
    }
    if (active === 0 && queue.length === 0 && !scheduled) {
      for (const wake of idleWaiters) wake();
      idleWaiters = [];
    }
  }

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    if (options.linger) setTimeout(pump, options.linger);
    else setImmediate(pump);
  }

  return {
    submit(item) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        // With every write in flight, the first to finish takes the queue.
        if (active < concurrency) schedule();
      });
    },
    saturated: () => active >= concurrency,
    idle() {
      if (active === 0 && queue.length === 0 && !scheduled) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
}
