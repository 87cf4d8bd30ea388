/**
 * Group commit: callers submit one item each; while a batch is being written, newer items
 * wait and are written together in the next one. A lone caller is written on the next turn
 * of the event loop (no timer, no added latency); under load, batches grow with the load,
 * so a write per batch replaces a write per item.
 */
export interface GroupCommit<T, R> {
  submit(item: T): Promise<R>;
  /** Resolves when nothing is queued or being written. */
  idle(): Promise<void>;
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
}): GroupCommit<T, R> {
  const queue: Pending<T, R>[] = [];
  let draining: Promise<void> | undefined;

  async function drain() {
    // One turn of the event loop lets requests parsed together share the first batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (queue.length > 0) {
      const batch = queue.splice(0, options.maxBatch);
      try {
        const results = await options.write(batch.map((pending) => pending.item));
        for (const [index, pending] of batch.entries()) pending.resolve(results[index] as R);
      } catch (error) {
        for (const pending of batch) pending.reject(error);
      }
    }
    draining = undefined;
  }

  return {
    submit(item) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        draining ??= drain();
      });
    },
    async idle() {
      while (draining) await draining;
    },
  };
}
