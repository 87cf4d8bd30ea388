import type { RateLimitRule } from "../config.js";
import type { Db } from "../db/client.js";
import { consumeRateLimit, peekRateLimit } from "../db/rate-limits.js";
import { PorticoError } from "../errors.js";

/**
 * Brute-force protection for password login that cannot be turned against the owner.
 *
 * - Per address, every attempt counts (`rule`): one source cannot hammer one account or
 *   spray many, and cannot burn our CPU on scrypt.
 * - Per account, only failures count, from every address. Past `rule.max` failures in a
 *   window the account is under attack: an address that has already failed against it is
 *   refused, even with the right password, while an address that has not is still checked.
 *   A per-account lock would let anyone lock the owner out with ten wrong guesses; this way
 *   the owner, whose address has not failed, still gets in, and a distributed attacker gets
 *   one guess per address per window instead of `rule.max`.
 *
 * Unknown emails are counted exactly like real ones, so the limits say nothing about which
 * accounts exist.
 */
export interface LoginGuard {
  /** Throws RATE_LIMITED when this attempt must not reach the password check. */
  admitAttempt(email: string, ip: string): Promise<void>;
  recordFailure(email: string, ip: string): Promise<void>;
}

export function createLoginGuard(deps: { db: Db; rule: RateLimitRule }): LoginGuard {
  const { db, rule } = deps;
  const addressKey = (ip: string) => `login:ip:${ip}`;
  const accountKey = (email: string) => `login:failures:${email}`;
  // JSON, not a separator: an email's local part may contain any separator we would pick.
  const accountAddressKey = (email: string, ip: string) =>
    `login:failures:${JSON.stringify([email, ip])}`;

  return {
    async admitAttempt(email, ip) {
      const perAddress = await consumeRateLimit(db, addressKey(ip), rule);
      if (!perAddress.allowed) throw tooManyAttempts(perAddress.retryAfter);
      const account = await peekRateLimit(db, accountKey(email), rule);
      if (account.count < rule.max) return;
      const fromHere = await peekRateLimit(db, accountAddressKey(email, ip), rule);
      if (fromHere.count > 0) {
        // Whichever window ends first lets this address try again.
        throw tooManyAttempts(Math.min(account.retryAfter, fromHere.retryAfter));
      }
    },

    async recordFailure(email, ip) {
      await consumeRateLimit(db, accountKey(email), rule);
      await consumeRateLimit(db, accountAddressKey(email, ip), rule);
    },
  };
}

function tooManyAttempts(retryAfter: number) {
  return new PorticoError("RATE_LIMITED", "Too many login attempts, try again later", {
    retryAfter,
  });
}
