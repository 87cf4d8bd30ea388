/**
 * What PostgreSQL can hold, checked before a value reaches SQL. A value it refuses fails
 * the whole statement with a data exception (SQLSTATE class 22), which must never look like
 * an outage and, in a shared insert, must never fail the other rows with it.
 */

/**
 * `text` cannot hold NUL (22021), `json` cannot hold `\u0000` (22P05), and `json` refuses an
 * unpaired UTF-16 surrogate (22P02), which `JSON.parse` happily produces from `"\ud800"`.
 */
const UNSTORABLE_CHARACTER =
  /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_CHARACTERS = new RegExp(UNSTORABLE_CHARACTER.source, "g");

/** U+FFFD, the Unicode replacement character: what a lossy decoder shows for a bad byte. */
export const REPLACEMENT_CHARACTER = "\ufffd";

export function isStorableText(text: string): boolean {
  return !UNSTORABLE_CHARACTER.test(text);
}

/**
 * The first string (or object key) in `value` that PostgreSQL cannot hold, by its path;
 * undefined when there is none.
 */
export function findUnstorableText(
  value: unknown,
  path: (string | number)[] = [],
): (string | number)[] | undefined {
  if (typeof value === "string") return isStorableText(value) ? undefined : path;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findUnstorableText(item, [...path, index]);
      if (found) return found;
    }
    return undefined;
  }
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (!isStorableText(key)) return [...path, key];
      const found = findUnstorableText(item, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * `value` with every character PostgreSQL cannot hold, in strings and keys, replaced by
 * U+FFFD. Parts with nothing to replace are returned as they are (the same objects).
 */
export function replaceUnstorableText<T>(value: T): T {
  if (typeof value === "string") {
    return (
      isStorableText(value) ? value : value.replace(UNSTORABLE_CHARACTERS, REPLACEMENT_CHARACTER)
    ) as T;
  }
  if (Array.isArray(value)) {
    const items = value.map((item) => replaceUnstorableText(item));
    return (items.every((item, index) => item === value[index]) ? value : items) as T;
  }
  if (isPlainObject(value)) {
    let changed = false;
    const entries = Object.entries(value).map(([key, item]) => {
      const entry = [replaceUnstorableText(key), replaceUnstorableText(item)] as const;
      if (entry[0] !== key || entry[1] !== item) changed = true;
      return entry;
    });
    return (changed ? Object.fromEntries(entries) : value) as T;
  }
  return value;
}

/**
 * Drizzle sends a time as `Date.toISOString()`, which PostgreSQL parses only for years 1 to
 * 9999: beyond, the ISO form grows a sign and six digits (`+275760-09-13…`) and is refused
 * (22007, 22009) although a Date holds it.
 */
export const MIN_STORABLE_TIME_MS = Date.parse("0001-01-01T00:00:00.000Z");
export const MAX_STORABLE_TIME_MS = Date.parse("9999-12-31T23:59:59.999Z");

/** A time in milliseconds since 1970 that a `timestamptz` parameter can carry. */
export function isStorableTime(ms: number): boolean {
  return Number.isFinite(ms) && ms >= MIN_STORABLE_TIME_MS && ms <= MAX_STORABLE_TIME_MS;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
