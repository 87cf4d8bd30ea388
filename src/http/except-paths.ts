import type { MiddlewareHandler } from "hono";

/**
 * `middleware` for every request except those under `patterns` (`/api/webhooks/*`: the
 * path itself and anything below it), as Hono's `except` would. `except` matches through
 * a router and two wrapper middlewares on every request; a prefix test is all these need.
 */
export function exceptUnder<M extends MiddlewareHandler>(
  patterns: string[],
  middleware: M,
): MiddlewareHandler {
  const bases = patterns.map((pattern) => {
    if (!pattern.endsWith("/*")) throw new Error(`exceptUnder takes "/prefix/*", got ${pattern}`);
    return pattern.slice(0, -2);
  });
  const skips = (path: string) =>
    bases.some(
      (base) => path.startsWith(base) && (path.length === base.length || path[base.length] === "/"),
    );
  return (c, next) => (skips(c.req.path) ? next() : middleware(c, next));
}
