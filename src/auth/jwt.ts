import { createRemoteJWKSet, type JWTVerifyOptions, jwtVerify } from "jose";
import type { Config } from "../config.js";

export interface ExternalIdentity {
  /** Stable id: `<issuer>|<sub>`. */
  externalId: string;
  email: string | undefined;
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
      return {
        externalId: `${payload.iss ?? "jwt"}|${payload.sub}`,
        email: typeof payload.email === "string" ? payload.email.toLowerCase() : undefined,
      };
    } catch {
      return undefined;
    }
  };
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
