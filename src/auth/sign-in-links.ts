import { recordAudit } from "../db/audit-log.js";
import type { Db } from "../db/client.js";
import { consumeSignInLink, insertSignInLink } from "../db/sign-in-links.js";
import { findUserById } from "../db/subject-lookup.js";
import { subjectKey, userSubjectId } from "../db/subjects.js";
import { PorticoError } from "../errors.js";
import type { AccountService, AuthUser, IssuedSession } from "./accounts.js";
import { keyActor, type ServiceKeyCaller } from "./service-keys.js";
import { generateLinkToken, hashToken } from "./tokens.js";

/** Long enough for a redirect through the host's backend, short enough that a leaked link is stale. */
export const SIGN_IN_LINK_TTL_SECONDS = 60;

/** Where the link opens: `GET` on the same path as the `POST` that issued it. */
export const SIGN_IN_LINK_PATH = "/api/auth/exchange";

export type SignInLinkService = ReturnType<typeof createSignInLinkService>;

/**
 * A same-origin path, or undefined. `//host` and `/\host` are other origins to a browser,
 * and a full URL is refused outright, so the link cannot be an open redirect.
 */
export function safeRedirectPath(path: string, appUrl: string): string | undefined {
  if (!path.startsWith("/") || path.startsWith("//") || path.startsWith("/\\")) return undefined;
  const base = new URL(appUrl);
  const url = new URL(path, base);
  if (url.origin !== base.origin) return undefined;
  return `${url.pathname}${url.search}${url.hash}`;
}

export function createSignInLinkService(deps: {
  db: Db;
  accounts: Pick<AccountService, "openSession">;
  appUrl: string;
  ttlSeconds?: number;
}) {
  const { db, accounts, appUrl } = deps;
  const ttlSeconds = deps.ttlSeconds ?? SIGN_IN_LINK_TTL_SECONDS;

  return {
    /** A link that signs `user` in once, within the TTL. The token is in the URL only. */
    async issueLink(input: {
      key: ServiceKeyCaller;
      user: AuthUser;
      redirect?: string | undefined;
    }) {
      const redirectPath =
        input.redirect === undefined ? "/" : safeRedirectPath(input.redirect, appUrl);
      if (redirectPath === undefined) {
        throw new PorticoError(
          "VALIDATION_ERROR",
          "redirect must be a path on this server, like /",
          {
            details: [
              { path: ["redirect"], location: "body", message: "must start with a single /" },
            ],
          },
        );
      }
      const token = generateLinkToken();
      const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
      await insertSignInLink(db, {
        tokenHash: hashToken(token),
        userId: input.user.id,
        serviceKeyId: input.key.id,
        redirectPath,
        expiresAt,
      });
      await recordAudit(db, {
        action: "sign_in_link.issued",
        source: "service_key",
        actor: keyActor(input.key),
        subject: subjectKey(userSubjectId(input.user.id)),
      });
      const url = new URL(SIGN_IN_LINK_PATH, appUrl);
      url.searchParams.set("token", token);
      return { url: url.href, expiresAt };
    },

    /** The session a link opens, once; undefined for a used, expired or unknown link. */
    async redeemLink(
      token: string,
    ): Promise<{ session: IssuedSession; redirectPath: string } | undefined> {
      const link = await consumeSignInLink(db, hashToken(token));
      if (!link) return undefined;
      const user = await findUserById(db, link.userId);
      if (!user) return undefined;
      const session = await accounts.openSession({
        id: user.id,
        email: user.email ?? user.externalEmail,
      });
      await recordAudit(db, {
        action: "sign_in_link.used",
        source: "service_key",
        subject: subjectKey(userSubjectId(user.id)),
        details: { serviceKeyId: link.serviceKeyId },
      });
      return { session, redirectPath: link.redirectPath };
    },
  };
}
