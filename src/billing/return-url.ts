/**
 * The return-URL policy. Portal and checkout redirects are where billing
 * integrations leave open redirects, so a URL passes only when it is plainly
 * an absolute URL on an allowed origin, and what is sent on is the parser's
 * normalised form, never the raw input.
 */

export const MAX_RETURN_URL_LENGTH = 2048;

export type ReturnUrlCheck = { ok: true; url: string } | { ok: false; reason: string };

// Controls, whitespace and backslashes: WHATWG parsers strip or rewrite them
// (`\` becomes `/` for http), so they can only serve to make two parsers disagree.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const SUSPICIOUS = /[\u0000-\u0020\u007f-\u00a0\\\u2028\u2029\ufeff]/;
const SCHEME_PREFIX = /^https?:\/\/[^/]/i;

export function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === "localhost" ||
    hostname.endsWith(".localhost") ||
    hostname === "[::1]" ||
    /^127(\.\d{1,3}){3}$/.test(hostname)
  );
}

export function verifyReturnUrl(raw: unknown, allowedOrigins: readonly string[]): ReturnUrlCheck {
  if (typeof raw !== "string" || raw.length === 0) return { ok: false, reason: "is required" };
  if (raw.length > MAX_RETURN_URL_LENGTH) {
    return { ok: false, reason: `must be at most ${MAX_RETURN_URL_LENGTH} characters` };
  }
  if (SUSPICIOUS.test(raw))
    return { ok: false, reason: "contains characters not allowed in a URL" };
  if (!SCHEME_PREFIX.test(raw)) return { ok: false, reason: "must be an absolute http(s) URL" };

  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "is not a valid URL" };
  }
  if (url.username !== "" || url.password !== "") {
    return { ok: false, reason: "must not contain credentials" };
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    return { ok: false, reason: "must use https (http is allowed only for localhost)" };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return { ok: false, reason: "must be an absolute http(s) URL" };
  }
  if (!allowedOrigins.includes(url.origin)) {
    return { ok: false, reason: `origin ${url.origin} is not allowed` };
  }
  // The authority as typed must be the one parsed. This catches `@` tricks,
  // percent-encoded and IDN hosts, and explicit default ports.
  const typedAuthority = raw
    .slice(raw.indexOf("//") + 2)
    .split(/[/?#]/, 1)[0]
    ?.toLowerCase();
  if (typedAuthority !== url.host) return { ok: false, reason: "host is not in canonical form" };
  return { ok: true, url: url.href };
}
