import { getTableColumns, SQL, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";

/**
 * Any number of `table`'s rows as one statement parameter: a JSON array that PostgreSQL
 * unpacks with `jsonb_to_recordset`. The statement's text is the same for any number of
 * rows, so it is prepared once; building SQL costs Drizzle as much as running it.
 * `computed` columns (by row property) take an expression instead of a value, e.g. `now()`.
 */
export function jsonRows(table: PgTable, computed: Record<string, SQL> = {}) {
  const all = Object.entries(getTableColumns(table));
  const columns = all.filter(([key]) => !(key in computed));
  const record = sql.raw(
    columns.map(([, column]) => `"${column.name}" ${column.getSQLType()}`).join(", "),
  );
  return {
    /** The columns the JSON carries, by row property. */
    columns,
    /** For `insert(table).select(…)`: Drizzle inserts a select into every column, in order. */
    select: () =>
      sql`select ${sql.join(
        all.map(([key, column]) => computed[key] ?? sql.raw(`row."${column.name}"`)),
        sql.raw(", "),
      )} from jsonb_to_recordset(${sql.placeholder("rows")}::jsonb) as row(${record})`,
    /** The `rows` parameter. */
    param: (rows: readonly Record<string, unknown>[]) =>
      JSON.stringify(rows.map((row) => rowJson(columns, row))),
  };
}

/**
 * A row as the statement's JSON: an absent column takes its plain default (as an insert's
 * DEFAULT would), else null.
 */
function rowJson(columns: [string, PgColumn][], row: Record<string, unknown>) {
  const json: Record<string, unknown> = {};
  for (const [key, column] of columns) {
    const fallback = column.default instanceof SQL ? null : (column.default ?? null);
    const value = row[key] === undefined ? fallback : row[key];
    // A jsonb column's value goes in as JSON itself, not as the text Drizzle would send.
    json[column.name] =
      value === null || column.getSQLType() === "jsonb" ? value : column.mapToDriverValue(value);
  }
  return json;
}
