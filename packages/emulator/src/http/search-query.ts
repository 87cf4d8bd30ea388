import { invalidRequest } from "./errors.js";

/**
 * The part of Stripe's search query language apps use: `field:'value'` (exact),
 * `field~'value'` (substring), `field>123` and friends for numbers, `metadata['key']:'value'`,
 * `-` to negate, and clauses joined by `AND` or by `OR` (Stripe refuses a mix of both).
 */

export type Operator = ":" | "~" | ">" | "<" | ">=" | "<=";

export type Clause = {
  field: string;
  /** The key of `metadata['key']`. */
  key: string | null;
  operator: Operator;
  /** Strings stay strings; `null` tests presence (`-metadata['k']:null`). */
  value: string | number | null;
  negated: boolean;
};

export type SearchQuery = { join: "AND" | "OR"; clauses: Clause[] };

const MAX_CLAUSES = 10;

/** Stripe's answer to a query it cannot read. */
export function unparsableQuery(): Error {
  return invalidRequest(
    "We were unable to parse your search query. Try using the format `metadata['key']:'value'` to query for metadata or `key:'value'` to query for other fields.",
    "query",
  );
}

const CLAUSE =
  /^\s*(-?)([a-z_]+)(?:\[\s*(?:'([^']*)'|"([^"]*)")\s*\])?\s*(>=|<=|:|~|>|<)\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(-?\d+(?:\.\d+)?)|(null))\s*/;

function unescapeQuoted(value: string): string {
  return value.replace(/\\(.)/g, "$1");
}

function readClause(rest: string): { clause: Clause; length: number } {
  const match = CLAUSE.exec(rest);
  if (!match) throw unparsableQuery();
  const [whole, minus, field, singleKey, doubleKey, operator, single, double, number, nil] = match;
  const quoted = single ?? double;
  const value =
    quoted !== undefined ? unescapeQuoted(quoted) : number !== undefined ? Number(number) : null;
  if (nil === undefined && value === null) throw unparsableQuery();
  const key = singleKey ?? doubleKey ?? null;
  if (field === "metadata" && key === null) throw unparsableQuery();
  return {
    clause: {
      field: field ?? "",
      key,
      operator: operator as Operator,
      value,
      negated: minus === "-",
    },
    length: whole.length,
  };
}

export function parseSearchQuery(query: string): SearchQuery {
  const clauses: Clause[] = [];
  const joins = new Set<"AND" | "OR">();
  let rest = query;
  for (;;) {
    const { clause, length } = readClause(rest);
    clauses.push(clause);
    rest = rest.slice(length);
    if (rest.trim() === "") break;
    const join = /^(AND|OR)\s+/.exec(rest);
    if (!join) throw unparsableQuery();
    joins.add(join[1] as "AND" | "OR");
    rest = rest.slice(join[0].length);
  }
  if (joins.size > 1) {
    throw invalidRequest("Search queries cannot mix `AND` and `OR` clauses.", "query");
  }
  if (clauses.length > MAX_CLAUSES) {
    throw invalidRequest(
      `Search queries are limited to ${MAX_CLAUSES} clauses; this one has ${clauses.length}.`,
      "query",
    );
  }
  return { join: joins.has("OR") ? "OR" : "AND", clauses };
}
