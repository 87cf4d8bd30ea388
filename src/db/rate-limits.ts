import { and, eq, not, type SQL, sql } from "drizzle-orm";
import type { RateLimitRule } from "../config.js";
import type { Db } from "./client.js";
import { preparedPerDb } from "./prepared.js";
import { rateLimits } from "./schema.js";

export interface RateLimitResult {
  allowed: boolean;
  /** Seconds until the window resets. */
  retryAfter: number;
}

/** When the stored window ends, for windows of `seconds` (a value or a placeholder). */
const windowEnd = (seconds: unknown) =>
  sql`${rateLimits.windowStart} + make_interval(secs => ${seconds}::int)`;
const resetInAfter = (seconds: unknown) =>
  sql<number>`ceil(extract(epoch from (${windowEnd(seconds)} - now())))::int`;
const expiredAfter = (seconds: unknown) => sql`${windowEnd(seconds)} <= now()`;

/**
 * An upsert's new `count` and `window_start` when `hits` more are counted against a stored
 * window: a window that is over starts again, with those hits.
 */
const countedHits = (hits: SQL, seconds: unknown) => ({
  count: sql`case when ${expiredAfter(seconds)} then ${hits} else ${rateLimits.count} + ${hits} end`,
  windowStart: sql`case when ${expiredAfter(seconds)} then now() else ${rateLimits.windowStart} end`,
});

const windowSeconds = sql.placeholder("windowSeconds");
const resetIn = resetInAfter(windowSeconds);
const expired = expiredAfter(windowSeconds);

/** Counts a hit in `key`'s window, starting a new window when the last one is over. */
const upsertHit = (db: Db) =>
  db
    .insert(rateLimits)
    .values({ key: sql.placeholder("key"), windowStart: sql`now()`, count: 1 })
    .onConflictDoUpdate({ target: rateLimits.key, set: countedHits(sql`1`, windowSeconds) });

const hitQuery = preparedPerDb((db) =>
  upsertHit(db).returning({ count: rateLimits.count, resetIn }).prepare("consume_rate_limit"),
);

/**
 * `consumeRateLimit` whose statement also answers `also` (e.g. a scalar subquery), so a
 * caller that needs both pays one round trip. `name` names the prepared statement.
 */
export function rateLimitHitReading<T>(name: string, also: SQL<T>) {
  const query = preparedPerDb((db) =>
    upsertHit(db).returning({ count: rateLimits.count, resetIn, also }).prepare(name),
  );
  return async (
    db: Db,
    key: string,
    rule: RateLimitRule,
    values: Record<string, unknown>,
  ): Promise<RateLimitResult & { also: T | undefined }> => {
    const [row] = await query(db).execute({ ...values, key, windowSeconds: rule.windowSeconds });
    return { ...limitResult(row, rule), also: (row?.also ?? undefined) as T | undefined };
  };
}

/** Whether a hit counted `count`th in its window (reset in `resetIn` s) is within `rule`. */
export const limitResult = (
  row: { count: unknown; resetIn: unknown } | undefined,
  rule: RateLimitRule,
): RateLimitResult => ({
  allowed: Number(row?.count ?? 1) <= rule.max,
  retryAfter: Math.max(1, Number(row?.resetIn ?? 1)),
});

/**
 * A statement counting a group of hits, `hits` per key, in one upsert (a row can be
 * updated once per statement): `source` is a select of `key` and `hits`. Answers each key's
 * `key`, `count` after the group and `reset_in`. For a data-modifying `with` clause.
 */
export function countHitsSql(source: SQL, seconds: number) {
  const set = countedHits(sql`excluded.count`, seconds);
  return sql`insert into ${rateLimits} (key, window_start, count)
    select key, now(), hits from (${source}) as grouped
    on conflict (key) do update set count = ${set.count}, window_start = ${set.windowStart}
    returning key, count, ${resetInAfter(seconds)} as reset_in`;
}

const peekQuery = preparedPerDb((db) =>
  db
    .select({ count: rateLimits.count, resetIn })
    .from(rateLimits)
    .where(and(eq(rateLimits.key, sql.placeholder("key")), not(expired)))
    .prepare("peek_rate_limit"),
);

/**
 * Counts one hit against `key` in a fixed window. A single upsert, so it is
 * atomic across every instance that shares the database.
 */
export async function consumeRateLimit(
  db: Db,
  key: string,
  rule: RateLimitRule,
): Promise<RateLimitResult> {
  const [row] = await hitQuery(db).execute({ key, windowSeconds: rule.windowSeconds });
  return limitResult(row, rule);
}

/**
 * How many hits `key` has in its current window, without counting one: for limits
 * that count only some outcomes (failed logins) but are checked before every attempt.
 */
export async function peekRateLimit(
  db: Db,
  key: string,
  rule: RateLimitRule,
): Promise<{ count: number; retryAfter: number }> {
  const [row] = await peekQuery(db).execute({ key, windowSeconds: rule.windowSeconds });
  return {
    count: Number(row?.count ?? 0),
    retryAfter: Math.max(1, Number(row?.resetIn ?? rule.windowSeconds)),
  };
}
