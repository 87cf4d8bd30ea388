import type { Account, EmulatorEvent, Store } from "../store.js";
import { createDeliveryLog, type DeliveryLog } from "./delivery-log.js";
import {
  computeRetryDelay,
  DEFAULT_DELIVERY_SETTINGS,
  type DeliverySettings,
} from "./delivery-settings.js";
import { acceptsEventType } from "./endpoints.js";
import { sendWebhook } from "./send-webhook.js";

/**
 * Delivers every event to the account's enabled endpoints, asynchronously and with
 * Stripe's retry behaviour. Settings, log and pending work are per account and mode
 * (one API key), so test files sharing an emulator process do not disturb each other.
 */

type Job = { account: Account; endpointId: string; event: EmulatorEvent; copy: number };

type AccountDeliveries = {
  settings: DeliverySettings;
  log: DeliveryLog;
  pending: number;
  /** `ordered` mode: one job at a time per endpoint. */
  queues: Map<string, Job[]>;
  busy: Set<string>;
  /** Shuffled modes: jobs waiting for their window to close. */
  batch: Job[];
  /** `${event}:${endpoint}` pairs already delivered, so duplicates count once. */
  delivered: Set<string>;
};

export type WebhookDeliveries = {
  settingsFor(account: Account): DeliverySettings;
  updateSettings(account: Account, changes: Partial<DeliverySettings>): DeliverySettings;
  logFor(account: Account): DeliveryLog;
  pendingFor(account: Account): number;
  /** Resolves once nothing is queued, in flight or waiting to retry (for one account, or all). */
  waitUntilIdle(account?: Account): Promise<void>;
  close(): void;
};

const keyOf = (account: Account) => `${account.id}:${account.livemode ? "live" : "test"}`;

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

export function createWebhookDeliveries(
  store: Store,
  defaults: Partial<DeliverySettings> = {},
): WebhookDeliveries {
  const baseSettings = { ...DEFAULT_DELIVERY_SETTINGS, ...defaults };
  const states = new Map<string, AccountDeliveries>();
  const idleWaiters = new Set<() => void>();
  const cancel = new AbortController();
  /** Pending timers and their callbacks: closing runs them early so every job winds down. */
  const timers = new Map<NodeJS.Timeout, () => void>();
  const schedule = (ms: number, callback: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      callback();
    }, ms);
    timers.set(timer, callback);
  };

  const stateOf = (account: Account): AccountDeliveries => {
    const key = keyOf(account);
    let state = states.get(key);
    if (!state) {
      state = {
        settings: { ...baseSettings },
        log: createDeliveryLog(),
        pending: 0,
        queues: new Map(),
        busy: new Set(),
        batch: [],
        delivered: new Set(),
      };
      states.set(key, state);
    }
    return state;
  };

  const totalPending = () => [...states.values()].reduce((sum, s) => sum + s.pending, 0);
  const notifyIdle = () => {
    for (const waiter of idleWaiters) waiter();
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (cancel.signal.aborted) resolve();
      else schedule(ms, resolve);
    });

  /** Attempts one copy of an event until it is delivered, gives up, or its endpoint goes. */
  const runJob = async (state: AccountDeliveries, job: Job): Promise<void> => {
    for (let attempt = 1; !cancel.signal.aborted; attempt++) {
      const endpoint = job.account.collections.webhook_endpoint.get(job.endpointId);
      // Deleting or disabling an endpoint stops its pending deliveries and retries.
      if (endpoint?.status !== "enabled") return;
      const timestamp = new Date().toISOString();
      const result = await sendWebhook(
        endpoint,
        job.event,
        state.settings.timeoutMs,
        cancel.signal,
      );
      const last = result.delivered || attempt >= state.settings.maxAttempts;
      const delay = computeRetryDelay(state.settings, attempt);
      state.log.record({
        event: job.event.id,
        type: job.event.type,
        endpoint: endpoint.id,
        url: endpoint.url,
        attempt,
        copy: job.copy,
        status: result.status,
        error: result.error,
        delivered: result.delivered,
        duration_ms: result.durationMs,
        timestamp,
        next_retry_at: last ? null : new Date(Date.now() + delay).toISOString(),
      });
      if (result.delivered) {
        const pair = `${job.event.id}:${job.endpointId}`;
        if (!state.delivered.has(pair)) {
          state.delivered.add(pair);
          job.event.pending_webhooks = Math.max(0, job.event.pending_webhooks - 1);
        }
      }
      if (last) return;
      await sleep(delay);
    }
  };

  const track = (state: AccountDeliveries, work: Promise<void>) => {
    work
      .catch((error: unknown) => console.error("[stripe-emulator] webhook delivery failed", error))
      .finally(() => {
        state.pending--;
        notifyIdle();
      });
  };

  /** Ordered mode: a failing event holds back later ones, so order is strict. */
  const pumpQueue = (state: AccountDeliveries, endpointId: string) => {
    if (state.busy.has(endpointId)) return;
    const next = state.queues.get(endpointId)?.shift();
    if (!next) return;
    state.busy.add(endpointId);
    const run = runJob(state, next).finally(() => {
      state.busy.delete(endpointId);
      pumpQueue(state, endpointId);
    });
    track(state, run);
  };

  const flushBatch = (state: AccountDeliveries) => {
    const jobs = shuffle(state.batch.splice(0));
    for (const job of jobs) track(state, runJob(state, job));
  };

  const enqueue = (state: AccountDeliveries, job: Job) => {
    state.pending++;
    if (state.settings.mode === "ordered") {
      const queue = state.queues.get(job.endpointId) ?? [];
      queue.push(job);
      state.queues.set(job.endpointId, queue);
      pumpQueue(state, job.endpointId);
      return;
    }
    state.batch.push(job);
    if (state.batch.length > 1) return;
    const { windowMinMs, windowMaxMs } = state.settings;
    const window = windowMinMs + Math.random() * Math.max(0, windowMaxMs - windowMinMs);
    schedule(window, () => flushBatch(state));
  };

  const handleEvent = (account: Account, event: EmulatorEvent) => {
    const endpoints = [...account.collections.webhook_endpoint.values()].filter(
      (endpoint) => endpoint.status === "enabled" && acceptsEventType(endpoint, event.type),
    );
    // Stripe reports how many endpoints still have to acknowledge the event.
    event.pending_webhooks = endpoints.length;
    const state = stateOf(account);
    const duplicated = state.settings.mode === "shuffled+duplicated";
    for (const endpoint of endpoints) {
      const copies = duplicated ? 1 + Math.floor(Math.random() * 3) : 1;
      for (let copy = 1; copy <= copies; copy++) {
        enqueue(state, { account, endpointId: endpoint.id, event, copy });
      }
    }
  };

  const removeEventListener = store.addEventListener(handleEvent);
  // A reset account starts with an empty delivery log; its settings stay as they were.
  const removeAccountListener = store.addAccountListener((account) => {
    states.get(keyOf(account))?.log.clear();
  });

  return {
    settingsFor: (account) => stateOf(account).settings,
    updateSettings(account, changes) {
      const state = stateOf(account);
      state.settings = { ...state.settings, ...changes };
      return state.settings;
    },
    logFor: (account) => stateOf(account).log,
    pendingFor: (account) => stateOf(account).pending,
    waitUntilIdle(account) {
      const isIdle = () => (account ? stateOf(account).pending === 0 : totalPending() === 0);
      if (isIdle()) return Promise.resolve();
      return new Promise((resolve) => {
        const waiter = () => {
          if (!isIdle()) return;
          idleWaiters.delete(waiter);
          resolve();
        };
        idleWaiters.add(waiter);
      });
    },
    close() {
      removeEventListener();
      removeAccountListener();
      cancel.abort();
      for (const [timer, callback] of timers) {
        clearTimeout(timer);
        callback();
      }
      timers.clear();
    },
  };
}
