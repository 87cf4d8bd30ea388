import { createRemoteJWKSet, type JWTPayload, type JWTVerifyOptions, jwtVerify } from "jose";
import { z } from "zod";
import type { Config } from "../config.js";

export interface ExternalIdentity {
  /**
   * The token's `iss`, or `""` without one. Kept apart from `subject`: joined into one
   * string, (`a|b`, `c`) and (`a`, `b|c`) would be the same user.
   */
  issuer: string;
  subject: string;
  /** Lower-cased; only a plausible address the provider has not said is unverified. */
  email: string | undefined;
  /** The organization the token acts in (`org_id`, `org_role`), for team billing. */
  organization: TokenOrganization | undefined;
}

/**
 * An organization as the identity provider vouches for it: Clerk's and Auth0's `org_id`,
 * and a role from `org_role` (`org:admin` and `admin` alike; unknown roles are `member`).
 */
export interface TokenOrganization {
  id: string;
  role: "owner" | "admin" | "billing" | "member";
  /** `org_name`, when the provider's token template carries it: the Stripe customer's name. */
  name?: string | undefined;
}

export type JwtVerifier = (token: string) => Promise<ExternalIdentity | undefined>;

/**
 * Verifies the host app's user JWT (Auth0, Clerk, Supabase…). Any failure,
 * whatever its cause, is `undefined`: callers answer one uniform 401.
 */
export function createJwtVerifier(settings: Config["auth"]["jwt"]): JwtVerifier | undefined {
  if (!settings) return undefined;
  const options: JWTVerifyOptions = {
    // Pinning the algorithms stops "alg: none" and HS/RS key-confusion tricks.
    algorithms: settings.kind === "secret" ? ["HS256"] : ["RS256", "ES256", "EdDSA", "PS256"],
    issuer: settings.issuer,
    audience: settings.audience,
    requiredClaims: ["sub", "exp"],
    clockTolerance: 5,
  };
  const verify =
    settings.kind === "secret"
      ? (token: string) => jwtVerify(token, new TextEncoder().encode(settings.secret), options)
      : (token: string) => jwtVerify(token, jwks(settings.jwksUrl), options);
  return async (token) => {
    try {
      const { payload } = await verify(token);
      if (typeof payload.sub !== "string" || payload.sub.length === 0) return undefined;
      // An absent and an empty `iss` both say "no issuer" (possible only when
      // AUTH_JWT_ISSUER is unset); jose has already checked it is a string if present.
      const issuer = payload.iss ?? "";
      // PostgreSQL text cannot hold NUL: such a claim would fail as a database error.
      if (`${issuer}${payload.sub}`.includes("\u0000")) return undefined;
      return {
        issuer,
        subject: payload.sub,
        email: readTokenEmail(payload),
        organization: readTokenOrganization(payload),
      };
    } catch {
      return undefined;
    }
  };
}

const plausibleEmail = z.email().max(254);

/**
 * The token's email, when it is worth sending receipts to. Providers that know mark an
 * unconfirmed address `email_verified: false` (Cognito sends the string "false"); anyone
 * can type someone else's address there, and that person would then get this user's
 * invoices. Without the claim the host app vouches for the address.
 */
function readTokenEmail(payload: JWTPayload): string | undefined {
  if (typeof payload.email !== "string") return undefined;
  if (payload.email_verified === false || payload.email_verified === "false") return undefined;
  const email = payload.email.trim().toLowerCase();
  return plausibleEmail.safeParse(email).success ? email : undefined;
}

const TOKEN_ROLES: readonly string[] = ["owner", "admin", "billing", "member"];

function readTokenOrganization(payload: JWTPayload): TokenOrganization | undefined {
  const id = payload.org_id;
  if (typeof id !== "string" || id.length === 0 || id.length > 255 || id.includes("\u0000"))
    return undefined;
  const claimed = typeof payload.org_role === "string" ? payload.org_role.replace(/^org:/, "") : "";
  const role = TOKEN_ROLES.includes(claimed) ? (claimed as TokenOrganization["role"]) : "member";
  const name = typeof payload.org_name === "string" ? payload.org_name.trim() : "";
  const usableName = name.length > 0 && name.length <= 200 && !name.includes("\u0000");
  return { id, role, ...(usableName ? { name } : {}) };
}

const jwksCache = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

/** jose caches keys per JWKS set and refetches on an unknown `kid`; keep one set per URL. */
function jwks(url: string) {
  let set = jwksCache.get(url);
  if (!set) {
    set = createRemoteJWKSet(new URL(url), { timeoutDuration: 5000, cooldownDuration: 30_000 });
    jwksCache.set(url, set);
  }
  return set;
}
