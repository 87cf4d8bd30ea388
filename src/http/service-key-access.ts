import { createMiddleware } from "hono/factory";
import type { Logger } from "pino";
import type { KeySubject } from "../auth/service-key-subjects.js";
import type { ServiceKeyCaller, ServiceKeyService } from "../auth/service-keys.js";
import type { SubjectAction } from "../billing/organizations.js";
import { SUBJECT_SYNTAX } from "../billing/subject-reference.js";
import type { AuditAction } from "../db/audit-log.js";
import { PorticoError } from "../errors.js";
import type { AppEnv } from "./context.js";
import type { Identify } from "./identify.js";
import type { SubjectAccess } from "./subject-access.js";

/** The header a service key's call names its subject in: `user:<id>`, `organization:<id>`… */
export const SUBJECT_HEADER = "portico-subject";

export interface ServiceKeyAuth {
  keys: Pick<ServiceKeyService, "authenticate" | "touchKey" | "recordCall">;
  resolveSubject(text: string): Promise<KeySubject>;
}

/**
 * `Authorization: Bearer psk_…` with `Portico-Subject`: the key acts as the subject's user;
 * any other credential goes to `fallback`. Only the billing routes take keys, so a key can
 * never create organizations or sign in as anyone on the rest of the API.
 */
export function serviceKeyIdentity(auth: ServiceKeyAuth, fallback: Identify): Identify {
  return async (c) => {
    const header = c.req.header("authorization");
    const token = header ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
    if (!token?.startsWith("psk_")) return fallback(c);
    // The key first: without a valid one, nothing is said about subjects (uniform 401).
    const key = await auth.keys.authenticate(token);
    const subject = await auth.resolveSubject(readSubjectHeader(c.req.header(SUBJECT_HEADER)));
    c.set("serviceCall", { key, subject });
    return subject.actor;
  };
}

function readSubjectHeader(value: string | undefined): string {
  if (value === undefined || value.trim() === "") {
    throw new PorticoError(
      "VALIDATION_ERROR",
      `A service key names whom it acts for in the Portico-Subject header: ${SUBJECT_SYNTAX}`,
      { details: [{ path: ["Portico-Subject"], location: "header", message: "required" }] },
    );
  }
  return value;
}

/**
 * Subjects for a key's call: the one its header named, when its scopes allow `action`;
 * anyone else's request goes to `inner` as before.
 */
export function serviceKeyAccess(inner: SubjectAccess): SubjectAccess {
  return async (c, organizationId, action) => {
    const call = c.get("serviceCall");
    if (!call) return inner(c, organizationId, action);
    requireScope(call.key, action);
    const { billing } = call.subject;
    // One way to name the subject: a body naming another would be ambiguous about whose it is.
    if (
      organizationId !== undefined &&
      !(billing.type === "organization" && billing.id === organizationId.toLowerCase())
    ) {
      throw new PorticoError(
        "VALIDATION_ERROR",
        "With a service key, name the subject in the Portico-Subject header, not organizationId",
      );
    }
    return billing;
  };
}

export function requireScope(key: ServiceKeyCaller, action: SubjectAction) {
  if (action === "view" || key.scopes.includes("manage")) return;
  throw new PorticoError(
    "FORBIDDEN",
    `The service key ${key.name} has the read scope; this call needs a key with the manage scope`,
  );
}

/** What a key's successful POST to a billing route is audited as. */
const AUDITED: Record<string, AuditAction> = {
  "/api/billing/portal": "portal_session.created",
  "/api/billing/checkout": "checkout_session.created",
  "/api/billing/seats": "seats.changed",
};

/**
 * After a key's call: every change is audited with the key's name before the answer leaves
 * (a session the audit does not know about is never handed out), and the key is marked used.
 */
export function recordServiceCalls(auth: Pick<ServiceKeyAuth, "keys">, logger: Logger) {
  return createMiddleware<AppEnv>(async (c, next) => {
    await next();
    const call = c.get("serviceCall");
    if (!call) return;
    // Only a timestamp for the operator: losing one to a failed write is harmless.
    auth.keys.touchKey(call.key).catch((error: unknown) => {
      logger.warn({ err: error, key: call.key.name }, "could not mark the service key used");
    });
    if (c.req.method === "GET" || c.res.status >= 400) return;
    await auth.keys.recordCall(call.key, {
      action: AUDITED[c.req.path] ?? "service_key.used",
      subject: call.subject.reference,
      details: { method: c.req.method, path: c.req.path, requestId: c.get("requestId") },
    });
  });
}
