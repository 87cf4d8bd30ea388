import { sql } from "drizzle-orm";
import type { RateLimitRule } from "../config.js";
import type { Db } from "./client.js";

export interface RateLimitResult {
  allowed: boolean;
  /** Seconds until the window resets. */
  retryAfter: number;
}

/**
 * Counts one hit against `key` in a fixed window. A single upsert, so it is
 * atomic across every instance that shares the database.
 */
export async function consumeRateLimit(
  db: Db,
  key: string,
  rule: RateLimitRule,
): Promise<RateLimitResult> {
  const window = `${rule.windowSeconds} seconds`;
  const result = await db.execute<{ count: number; reset_in: number }>(sql`
    insert into rate_limits as r (key, window_start, count)
    values (${key}, now(), 1)
    on conflict (key) do update set
      count = case when r.window_start + ${window}::interval <= now() then 1 else r.count + 1 end,
      window_start = case when r.window_start + ${window}::interval <= now() then now() else r.window_start end
    returning count, ceil(extract(epoch from (window_start + ${window}::interval - now())))::int as reset_in
  `);
  const row = (result as unknown as { rows: { count: number; reset_in: number }[] }).rows[0];
  const count = Number(row?.count ?? 1);
  return { allowed: count <= rule.max, retryAfter: Math.max(1, Number(row?.reset_in ?? 1)) };
}
