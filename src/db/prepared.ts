import type { Db } from "./client.js";

/**
 * Builds a prepared statement once per database. Drizzle spends as long
 * building a query's SQL as a local server spends running it, so hot-path queries
 * are built once and then only executed with new placeholders.
 */
export function preparedPerDb<T>(build: (db: Db) => T): (db: Db) => T {
  const cache = new WeakMap<Db, T>();
  return (db) => {
    let statement = cache.get(db);
    if (statement === undefined) {
      statement = build(db);
      cache.set(db, statement);
    }
    return statement;
  };
}
