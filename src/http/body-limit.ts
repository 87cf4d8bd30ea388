import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { validationError } from "../errors.js";

/**
 * Hono's `bodyLimit`, minus its cost for a request that declares its length (HTTP then
 * delivers exactly that many bytes): the declared length is checked, and the body is left
 * for the route to read. Hono's version touches `c.req.raw.body`, which on Node makes the
 * adapter build a whole web `Request` and stream for every request; reading the body
 * through `c.req` skips that. A chunked body (no length) is counted as Hono counts it.
 */
export function limitBodyTo(maxSize: number, onError: (c: Context) => never): MiddlewareHandler {
  const counted = bodyLimit({ maxSize, onError });
  return async (c, next) => {
    const length = c.req.header("content-length");
    if (length === undefined || c.req.header("transfer-encoding") !== undefined) {
      return counted(c, next);
    }
    if (Number(length) > maxSize) onError(c);
    await next();
  };
}

/** A body over `maxSize` bytes is refused (422) before it is read in full. */
export function limitBody(maxSize: number) {
  return limitBodyTo(maxSize, () => {
    throw validationError([
      {
        path: [],
        location: "body",
        kind: "too_big",
        message: `Request body must be at most ${maxSize} bytes`,
      },
    ]);
  });
}
