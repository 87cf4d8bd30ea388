import { is } from "drizzle-orm";
import { PgTransaction } from "drizzle-orm/pg-core";
import type { Db } from "./client.js";

/**
 * Builds a prepared statement once per database. Drizzle spends as long
 * building a query's SQL as a local server spends running it, so hot-path queries
 * are built once and then only executed with new placeholders.
 *
 * A transaction is a new `Db` each time, but Drizzle binds a statement prepared on it to
 * the pooled connection underneath, not to the transaction object: so for a transaction
 * the statement is kept per connection, and a later transaction on the same connection
 * reuses it (it runs on that connection, inside that transaction).
 */
export function preparedPerDb<T>(build: (db: Db) => T): (db: Db) => T {
  const cache = new WeakMap<object, T>();
  return (db) => {
    const key = connectionOf(db);
    let statement = cache.get(key);
    if (statement === undefined) {
      statement = build(db);
      cache.set(key, statement);
    }
    return statement;
  };
}

/** A transaction's pooled connection (its session's client); the database itself otherwise. */
function connectionOf(db: Db): object {
  if (!is(db, PgTransaction)) return db;
  const client = (db._.session as unknown as { client?: unknown }).client;
  return typeof client === "object" && client !== null ? client : db;
}
