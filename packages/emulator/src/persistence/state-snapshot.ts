import type { Account, Store } from "../store.js";

/**
 * The whole store as JSON, so `npm start` twice keeps the emulator's customers,
 * subscriptions, portal configurations and webhook endpoints. Idempotency keys, delivery
 * logs and pending deliveries are deliberately not kept: they belong to one run.
 */

type SavedLink = Record<string, unknown> & { account: string };

export type StateSnapshot = {
  version: 1;
  saved_at: string;
  accounts: {
    id: string;
    livemode: boolean;
    /** Seconds the account clock is ahead of real time (`/_emulator/clock/advance`). */
    clock_offset: number;
    default_portal_configuration: string | null;
    latency_ms: number;
    collections: Record<string, unknown[]>;
  }[];
  links: Record<string, [string, SavedLink][]>;
};

type LinkMap = Map<string, { account: Account }>;

const keyOf = (account: Account) => `${account.id}:${account.livemode ? "live" : "test"}`;
const realNow = () => Math.floor(Date.now() / 1000);

/** Hosted pages reach their account through these token maps; each names its account. */
function findLinkMaps(store: Store): Record<string, LinkMap> {
  const maps: Record<string, LinkMap> = {};
  for (const [name, value] of Object.entries(store)) {
    if (name.endsWith("Links") && value instanceof Map) maps[name] = value as LinkMap;
  }
  return maps;
}

export function takeSnapshot(store: Store): StateSnapshot {
  const links: StateSnapshot["links"] = {};
  for (const [name, map] of Object.entries(findLinkMaps(store))) {
    links[name] = [...map].map(([token, link]) => [
      token,
      { ...link, account: keyOf(link.account) },
    ]);
  }
  return {
    version: 1,
    saved_at: new Date().toISOString(),
    accounts: store.listAccounts().map((account) => ({
      id: account.id,
      livemode: account.livemode,
      clock_offset: account.clock.now() - realNow(),
      default_portal_configuration: account.defaultPortalConfiguration,
      latency_ms: account.latencyMs,
      collections: Object.fromEntries(
        Object.entries(account.collections).map(([kind, objects]) => [kind, [...objects.values()]]),
      ),
    })),
    links,
  };
}

/** Loads a snapshot into a fresh store. Kinds this build does not know are skipped. */
export function restoreSnapshot(store: Store, snapshot: StateSnapshot): void {
  if (snapshot.version !== 1) throw new Error(`Unknown state file version ${snapshot.version}`);
  const accounts = new Map<string, Account>();
  for (const saved of snapshot.accounts) {
    const account = store.getAccount(saved.id, saved.livemode);
    accounts.set(keyOf(account), account);
    if (saved.clock_offset > 0) account.clock.advanceBy(saved.clock_offset);
    account.defaultPortalConfiguration = saved.default_portal_configuration;
    account.latencyMs = saved.latency_ms;
    const collections = account.collections as Record<string, Map<string, unknown>>;
    for (const [kind, objects] of Object.entries(saved.collections)) {
      const collection = collections[kind];
      if (!collection) continue;
      collection.clear();
      for (const object of objects as { id: string }[]) collection.set(object.id, object);
    }
  }
  const maps = findLinkMaps(store);
  for (const [name, entries] of Object.entries(snapshot.links)) {
    const map = maps[name];
    if (!map) continue;
    for (const [token, link] of entries) {
      const account = accounts.get(link.account);
      if (account) map.set(token, { ...link, account });
    }
  }
}
