import { and, asc, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "./client.js";
import { serviceKeys } from "./schema.js";

export type ServiceKeyRow = typeof serviceKeys.$inferSelect;

/** Every column but the hash: what lists and callers may see. */
const shownColumns = {
  id: serviceKeys.id,
  name: serviceKeys.name,
  prefix: serviceKeys.prefix,
  scopes: serviceKeys.scopes,
  createdAt: serviceKeys.createdAt,
  lastUsedAt: serviceKeys.lastUsedAt,
  revokedAt: serviceKeys.revokedAt,
};

export type ServiceKeyRecord = Omit<ServiceKeyRow, "tokenHash">;

/** Undefined when a live key already has the name (the partial unique index). */
export async function insertServiceKey(
  db: Db,
  values: { name: string; tokenHash: string; prefix: string; scopes: string[] },
): Promise<ServiceKeyRecord | undefined> {
  const [row] = await db
    .insert(serviceKeys)
    .values(values)
    .onConflictDoNothing()
    .returning(shownColumns);
  return row;
}

export function listServiceKeys(db: Db): Promise<ServiceKeyRecord[]> {
  return db.select(shownColumns).from(serviceKeys).orderBy(asc(serviceKeys.createdAt));
}

/** The live key with this name, revoked now; undefined when there is none. */
export async function revokeServiceKeyByName(
  db: Db,
  name: string,
): Promise<ServiceKeyRecord | undefined> {
  const [row] = await db
    .update(serviceKeys)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(serviceKeys.name, name), isNull(serviceKeys.revokedAt)))
    .returning(shownColumns);
  return row;
}

/** The live key whose token hashes to this; one indexed lookup. */
export async function findLiveServiceKey(
  db: Db,
  tokenHash: string,
): Promise<ServiceKeyRecord | undefined> {
  const [row] = await db
    .select(shownColumns)
    .from(serviceKeys)
    .where(and(eq(serviceKeys.tokenHash, tokenHash), isNull(serviceKeys.revokedAt)))
    .limit(1);
  return row;
}

/**
 * Marks the key used, at most once per `intervalSeconds`: a busy backend's every call would
 * otherwise write the same row, and the date is for an operator's eyes, not to the second.
 */
export async function touchServiceKey(db: Db, id: string, intervalSeconds: number) {
  await db
    .update(serviceKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(
      and(
        eq(serviceKeys.id, id),
        or(
          isNull(serviceKeys.lastUsedAt),
          lt(serviceKeys.lastUsedAt, sql`now() - make_interval(secs => ${intervalSeconds})`),
        ),
      ),
    );
}
