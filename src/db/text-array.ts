import { sql } from "drizzle-orm";

/**
 * Distinct values as one `text[]` parameter (for `= any(...)`, `unnest(...)`): the
 * statement's text is the same for any number of values, and Drizzle has no list to build.
 */
export const textArray = (values: readonly string[]) =>
  sql`${sql.param([...new Set(values)])}::text[]`;
