import { randomUUID } from "node:crypto";
import type { Config, RateLimitRule } from "../config.js";
import type { Db } from "../db/client.js";
import { consumeRateLimit } from "../db/rate-limits.js";
import {
  findSessionUser,
  findUserByEmail,
  insertSession,
  insertUser,
  revokeSession,
  upsertExternalUser,
} from "../db/users.js";
import { PorticoError, unauthorized } from "../errors.js";
import { createJwtVerifier, type TokenOrganization } from "./jwt.js";
import { createLoginGuard } from "./login-guard.js";
import { burnPasswordCheck, hashPassword, verifyPassword } from "./passwords.js";
import type { SessionCache } from "./session-cache.js";
import {
  generateSessionToken,
  hashToken,
  looksLikeSessionToken,
  sessionTokenProject,
} from "./tokens.js";

export interface AuthUser {
  id: string;
  email: string | null;
  /** Signed in with the host's JWT carrying an organization: its issuer's org and role. */
  tokenOrganization?: { issuer: string } & TokenOrganization;
}

export interface IssuedSession {
  token: string;
  expiresAt: Date;
  user: AuthUser;
}

export interface AccountService {
  /**
   * A taken email answers like a new one, with a token that opens no session (see README,
   * Accounts). `ip` is the caller's address, limited per address; internal callers (the
   * demo seed) pass none.
   */
  signup(input: { email: string; password: string; ip?: string }): Promise<IssuedSession>;
  login(input: { email: string; password: string; ip: string }): Promise<IssuedSession>;
  logout(token: string): Promise<void>;
  /** A session for a user someone else vouched for (a service key's one-time sign-in link). */
  openSession(user: AuthUser): Promise<IssuedSession>;
  /** The user behind a bearer token or cookie value, or a uniform 401. */
  authenticate(token: string | undefined): Promise<AuthUser>;
}

export function createAccountService(deps: {
  db: Db;
  config: Pick<Config, "auth" | "rateLimits">;
  /** Accounts of a hosted project: its sessions' tokens name it, and only its own are taken. */
  projectId?: string | undefined;
  /** Sessions answered from memory while revocations reach this instance (see its docs). */
  sessionCache?: SessionCache | undefined;
}): AccountService {
  const { db, config, projectId, sessionCache } = deps;
  const ownToken = (token: string) =>
    looksLikeSessionToken(token) && sessionTokenProject(token) === projectId;
  const verifyJwt = createJwtVerifier(config.auth.jwt);

  async function issueSession(user: AuthUser): Promise<IssuedSession> {
    const token = generateSessionToken(projectId);
    const expiresAt = new Date(Date.now() + config.auth.sessionTtlSeconds * 1000);
    await insertSession(db, user.id, hashToken(token), expiresAt);
    return { token, expiresAt, user };
  }

  /**
   * What signup answers for a taken email: the shape of a new account's session, but the
   * token is never stored and the id is made up, so nothing is opened or changed.
   */
  function unissuedSession(email: string): IssuedSession {
    return {
      token: generateSessionToken(projectId),
      expiresAt: new Date(Date.now() + config.auth.sessionTtlSeconds * 1000),
      user: { id: randomUUID(), email },
    };
  }

  async function enforceRateLimit(key: string, rule: RateLimitRule, message: string) {
    const result = await consumeRateLimit(db, key, rule);
    if (!result.allowed) {
      throw new PorticoError("RATE_LIMITED", message, { retryAfter: result.retryAfter });
    }
  }

  const loginGuard = createLoginGuard({ db, rule: config.rateLimits.login });

  return {
    async signup({ email, password, ip }) {
      if (!config.auth.allowSignup) {
        throw new PorticoError("FORBIDDEN", "Sign-up is disabled on this server");
      }
      // Before the hash: scrypt is the expensive part, and each probe costs a slot.
      if (ip !== undefined) {
        const message = "Too many sign-up attempts, try again later";
        await enforceRateLimit(`signup:ip:${ip}`, config.rateLimits.signup, message);
      }
      const normalized = email.trim().toLowerCase();
      // Hashed whether or not the email is taken, so the answer's timing does not tell.
      const row = await insertUser(db, normalized, await hashPassword(password));
      if (!row) return unissuedSession(normalized);
      return issueSession({ id: row.id, email: row.email });
    },

    async login({ email, password, ip }) {
      const normalized = email.trim().toLowerCase();
      await loginGuard.admitAttempt(normalized, ip);
      const user = await findUserByEmail(db, normalized);
      const valid = user?.passwordHash
        ? await verifyPassword(password, user.passwordHash)
        : await burnPasswordCheck(password).then(() => false);
      if (!user || !valid) {
        await loginGuard.recordFailure(normalized, ip);
        throw new PorticoError("UNAUTHORIZED", "Invalid email or password");
      }
      return issueSession({ id: user.id, email: user.email });
    },

    openSession: (user) => issueSession({ id: user.id, email: user.email }),

    async logout(token) {
      if (!ownToken(token)) return;
      const tokenHash = hashToken(token);
      await revokeSession(db, tokenHash);
      // Before the answer: a request after the logout is not answered from memory here.
      sessionCache?.forget(tokenHash);
    },

    async authenticate(token) {
      if (!token) throw unauthorized();
      if (looksLikeSessionToken(token)) {
        if (!ownToken(token)) throw unauthorized();
        const tokenHash = hashToken(token);
        const cached = sessionCache?.get(tokenHash);
        if (cached) return cached;
        const mark = sessionCache?.mark() ?? 0;
        const session = await findSessionUser(db, tokenHash);
        if (!session) throw unauthorized();
        const user = { id: session.id, email: session.email };
        sessionCache?.remember(tokenHash, user, session.expiresAt, mark);
        return user;
      }
      const identity = verifyJwt ? await verifyJwt(token) : undefined;
      if (!identity) throw unauthorized();
      const user = await upsertExternalUser(db, identity);
      const { organization, issuer } = identity;
      return {
        id: user.id,
        email: user.email ?? user.externalEmail,
        ...(organization ? { tokenOrganization: { issuer, ...organization } } : {}),
      };
    },
  };
}
