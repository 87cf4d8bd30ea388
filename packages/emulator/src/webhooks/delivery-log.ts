/** One POST to one endpoint, as `GET /_emulator/webhooks/deliveries` reports it. */
export type DeliveryAttempt = {
  event: string;
  type: string;
  endpoint: string;
  url: string;
  /** 1 for the first try of a copy, 2 for its first retry, … */
  attempt: number;
  /** Which copy of the event this is; above 1 only in `shuffled+duplicated` mode. */
  copy: number;
  status: number | null;
  /** `timeout`, or the network error, when no status arrived. */
  error: string | null;
  delivered: boolean;
  duration_ms: number;
  /** ISO time the attempt started. */
  timestamp: string;
  /** When the next retry is due (ISO), or null when this attempt was the last. */
  next_retry_at: string | null;
};

export type DeliveryLogFilter = { event?: string; endpoint?: string; type?: string };

/** Long runs (benchmarks, `npm start` for days) must not grow without bound. */
const MAX_ENTRIES = 10_000;

export type DeliveryLog = {
  record(attempt: DeliveryAttempt): void;
  list(filter?: DeliveryLogFilter): DeliveryAttempt[];
  clear(): void;
};

export function createDeliveryLog(): DeliveryLog {
  let entries: DeliveryAttempt[] = [];
  return {
    record(attempt) {
      entries.push(attempt);
      if (entries.length > MAX_ENTRIES) entries = entries.slice(-MAX_ENTRIES / 2);
    },
    list(filter = {}) {
      return entries.filter(
        (entry) =>
          (filter.event === undefined || entry.event === filter.event) &&
          (filter.endpoint === undefined || entry.endpoint === filter.endpoint) &&
          (filter.type === undefined || entry.type === filter.type),
      );
    },
    clear() {
      entries = [];
    },
  };
}
