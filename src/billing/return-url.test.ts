import { describe, expect, it } from "vitest";
import { MAX_RETURN_URL_LENGTH, verifyReturnUrl } from "./return-url.js";

const ALLOWED = [
  "https://app.example.com",
  "https://billing.example.org:8443",
  "http://localhost:3000",
];

describe("verifyReturnUrl", () => {
  it.each([
    ["https://app.example.com/settings/billing", "https://app.example.com/settings/billing"],
    ["https://app.example.com", "https://app.example.com/"],
    ["https://app.example.com/a?b=c#d", "https://app.example.com/a?b=c#d"],
    ["https://APP.Example.COM/x", "https://app.example.com/x"],
    ["HTTPS://app.example.com/x", "https://app.example.com/x"],
    ["https://billing.example.org:8443/back", "https://billing.example.org:8443/back"],
    ["http://localhost:3000/settings/billing", "http://localhost:3000/settings/billing"],
    ["https://app.example.com/%2e%2e/admin", "https://app.example.com/admin"],
    ["https://app.example.com/path/../other", "https://app.example.com/other"],
  ])("accepts %s", (input, normalised) => {
    expect(verifyReturnUrl(input, ALLOWED)).toEqual({ ok: true, url: normalised });
  });

  it.each([
    // Lookalike hosts and suffix tricks
    "https://app.example.com.evil.com",
    "https://app.example.com.evil.com/settings",
    "https://evilapp.example.com",
    "https://app-example.com",
    "https://example.com",
    "https://app.example.co",
    "https://app.example.com./",
    "https://app.example.com%2eevil.com",
    "https://xn--pp-8cd.example.com/",
    "https://аpp.example.com/", // Cyrillic a
    // Userinfo
    "https://app.example.com@evil.com",
    "https://app.example.com:443@evil.com",
    "https://user:pass@app.example.com/",
    "https://user@app.example.com/",
    "https://evil.com\\@app.example.com",
    // Scheme-relative, relative and non-http schemes
    "//evil.com",
    "//app.example.com/settings",
    "/settings/billing",
    "settings/billing",
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "ftp://app.example.com/",
    // Backslashes and parser disagreements
    "https:\\\\evil.com",
    "https:/\\evil.com",
    "https://evil.com\\app.example.com",
    "\\\\evil.com",
    "https:app.example.com",
    "https:/app.example.com",
    // Whitespace and control characters
    " https://app.example.com/",
    "https://app.example.com/\n",
    "https://app.exa\tmple.com/",
    "https://app.example.com/\u0000",
    "\u200bhttps://app.example.com/",
    // Ports and schemes that change the origin
    "http://app.example.com/",
    "https://app.example.com:444/",
    "https://app.example.com:443/",
    "https://billing.example.org/",
    "http://localhost:3001/",
    "http://127.0.0.1:3000/",
    "https://localhost:3000/",
    // Fragment and query tricks
    "https://evil.com#https://app.example.com",
    "https://evil.com?next=https://app.example.com",
    "https://evil.com/https://app.example.com",
    // Not strings or empty
    "",
    "   ",
  ])("rejects %j", (input) => {
    expect(verifyReturnUrl(input, ALLOWED).ok).toBe(false);
  });

  it("rejects non-strings", () => {
    for (const value of [undefined, null, 42, {}, ["https://app.example.com"]]) {
      expect(verifyReturnUrl(value, ALLOWED).ok).toBe(false);
    }
  });

  it("allows http only for loopback origins even when listed", () => {
    expect(verifyReturnUrl("http://app.example.com/", ["http://app.example.com"]).ok).toBe(false);
    expect(verifyReturnUrl("http://127.0.0.1:8080/", ["http://127.0.0.1:8080"]).ok).toBe(true);
    expect(verifyReturnUrl("http://[::1]:8080/", ["http://[::1]:8080"]).ok).toBe(true);
  });

  it("enforces the length limit", () => {
    const base = "https://app.example.com/";
    const atLimit = base + "a".repeat(MAX_RETURN_URL_LENGTH - base.length);
    expect(verifyReturnUrl(atLimit, ALLOWED).ok).toBe(true);
    expect(verifyReturnUrl(`${atLimit}a`, ALLOWED)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/2048/),
    });
  });

  it("says why", () => {
    expect(verifyReturnUrl("https://evil.com/", ALLOWED)).toEqual({
      ok: false,
      reason: "origin https://evil.com is not allowed",
    });
  });
});
