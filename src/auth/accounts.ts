import type { Config } from "../config.js";
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
import { createJwtVerifier } from "./jwt.js";
import { burnPasswordCheck, hashPassword, verifyPassword } from "./passwords.js";
import { generateSessionToken, hashToken, looksLikeSessionToken } from "./tokens.js";

export interface AuthUser {
  id: string;
  email: string | null;
}

export interface IssuedSession {
  token: string;
  expiresAt: Date;
  user: AuthUser;
}

export interface AccountService {
  signup(input: { email: string; password: string }): Promise<IssuedSession>;
  login(input: { email: string; password: string; ip: string }): Promise<IssuedSession>;
  logout(token: string): Promise<void>;
  /** The user behind a bearer token or cookie value, or a uniform 401. */
  authenticate(token: string | undefined): Promise<AuthUser>;
}

export function createAccountService(deps: {
  db: Db;
  config: Pick<Config, "auth" | "rateLimits">;
}): AccountService {
  const { db, config } = deps;
  const verifyJwt = createJwtVerifier(config.auth.jwt);

  async function issueSession(user: AuthUser): Promise<IssuedSession> {
    const token = generateSessionToken();
    const expiresAt = new Date(Date.now() + config.auth.sessionTtlSeconds * 1000);
    await insertSession(db, user.id, hashToken(token), expiresAt);
    return { token, expiresAt, user };
  }

  async function enforceLoginLimit(key: string) {
    const result = await consumeRateLimit(db, key, config.rateLimits.login);
    if (!result.allowed) {
      throw new PorticoError("RATE_LIMITED", "Too many login attempts, try again later", {
        retryAfter: result.retryAfter,
      });
    }
  }

  return {
    async signup({ email, password }) {
      if (!config.auth.allowSignup) {
        throw new PorticoError("FORBIDDEN", "Sign-up is disabled on this server");
      }
      const normalized = email.trim().toLowerCase();
      const row = await insertUser(db, normalized, await hashPassword(password));
      if (!row) {
        throw new PorticoError("CONFLICT", "An account with this email already exists", {
          details: [{ path: ["email"], message: "An account with this email already exists" }],
        });
      }
      return issueSession({ id: row.id, email: row.email });
    },

    async login({ email, password, ip }) {
      const normalized = email.trim().toLowerCase();
      await enforceLoginLimit(`login:ip:${ip}`);
      await enforceLoginLimit(`login:email:${normalized}`);
      const user = await findUserByEmail(db, normalized);
      if (!user?.passwordHash) {
        await burnPasswordCheck(password);
        throw new PorticoError("UNAUTHORIZED", "Invalid email or password");
      }
      if (!(await verifyPassword(password, user.passwordHash))) {
        throw new PorticoError("UNAUTHORIZED", "Invalid email or password");
      }
      return issueSession({ id: user.id, email: user.email });
    },

    async logout(token) {
      if (looksLikeSessionToken(token)) await revokeSession(db, hashToken(token));
    },

    async authenticate(token) {
      if (!token) throw unauthorized();
      if (looksLikeSessionToken(token)) {
        const user = await findSessionUser(db, hashToken(token));
        if (user) return user;
        throw unauthorized();
      }
      const identity = verifyJwt ? await verifyJwt(token) : undefined;
      if (!identity) throw unauthorized();
      const user = await upsertExternalUser(db, identity);
      return { id: user.id, email: user.email ?? user.externalEmail };
    },
  };
}
