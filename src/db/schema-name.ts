/**
 * The PostgreSQL schema Portico's tables live in: `portico`, or PORTICO_DB_SCHEMA. Read from
 * the environment here, not from the parsed Config, because Drizzle's table objects name
 * their schema when the module defining them is first imported: one per process.
 * `loadConfig` refuses a value that is not a plain identifier before anything queries.
 */
export const PORTICO_SCHEMA = usableName(process.env.PORTICO_DB_SCHEMA || "portico")
  ? process.env.PORTICO_DB_SCHEMA || "portico"
  : "portico";

/** Written into SQL unquoted; `public` would put Portico's tables back among the host's. */
function usableName(value: string): boolean {
  return /^[a-z_][a-z0-9_]{0,62}$/.test(value) && value !== "public" && !value.startsWith("pg_");
}

/** Why a schema name cannot be used, or undefined when it can. */
export function schemaNameProblem(value: string): string | undefined {
  if (!usableName(value)) {
    return `"${value}" must be a lower-case identifier (letters, digits, _), not public`;
  }
  if (value !== PORTICO_SCHEMA) {
    return `set it in the process environment before Portico is imported (this process uses "${PORTICO_SCHEMA}")`;
  }
  return undefined;
}
