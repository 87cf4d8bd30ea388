import { type AuditAction, recordAudit } from "../db/audit-log.js";
import type { Db } from "../db/client.js";
import {
  findLiveServiceKey,
  insertServiceKey,
  listServiceKeys,
  revokeServiceKeyByName,
  type ServiceKeyRecord,
  touchServiceKey,
} from "../db/service-keys.js";
import { PorticoError, unauthorized } from "../errors.js";
import { generateServiceKey, hashToken, looksLikeServiceKey } from "./tokens.js";

/** `read`: the subscription view, entitlements, invoices. `manage`: also portal and checkout. */
export type ServiceKeyScope = "read" | "manage";
export const SERVICE_KEY_SCOPES: readonly ServiceKeyScope[] = ["read", "manage"];

/** The key behind a request, as the routes and the audit trail see it. */
export interface ServiceKeyCaller {
  id: string;
  name: string;
  scopes: ServiceKeyScope[];
}

/** Enough of the key to recognise it in a list; the rest is never shown again. */
const PREFIX_LENGTH = 10;
/** `last_used_at` moves at most this often per key. */
const TOUCH_INTERVAL_SECONDS = 60;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** How a key is named in audit rows' `actor`. */
export const keyActor = (key: Pick<ServiceKeyCaller, "name">) => `key:${key.name}`;

export type ServiceKeyService = ReturnType<typeof createServiceKeyService>;

export function createServiceKeyService(deps: { db: Db }) {
  const { db } = deps;

  return {
    /** A new key; its secret is in the answer only, and is not kept. */
    async createKey(input: { name: string; scope: ServiceKeyScope }) {
      if (!NAME.test(input.name)) {
        throw new PorticoError(
          "VALIDATION_ERROR",
          "A key name is 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit",
        );
      }
      const key = generateServiceKey();
      // `manage` implies `read`: a scope check asks only for the scope it needs.
      const scopes: ServiceKeyScope[] = input.scope === "manage" ? ["read", "manage"] : ["read"];
      const record = await insertServiceKey(db, {
        name: input.name,
        tokenHash: hashToken(key),
        prefix: key.slice(0, PREFIX_LENGTH),
        scopes,
      });
      if (!record) {
        throw new PorticoError("CONFLICT", `A live key is already named ${input.name}`);
      }
      await recordAudit(db, {
        action: "service_key.created",
        source: "cli",
        actor: keyActor(record),
        details: { scopes },
      });
      return { key, record };
    },

    listKeys: (): Promise<ServiceKeyRecord[]> => listServiceKeys(db),

    async revokeKey(name: string) {
      const record = await revokeServiceKeyByName(db, name);
      if (!record) throw new PorticoError("NOT_FOUND", `No live key is named ${name}`);
      await recordAudit(db, {
        action: "service_key.revoked",
        source: "cli",
        actor: keyActor(record),
      });
      return record;
    },

    /** The live key a bearer token is, or the same 401 as any other bad credential. */
    async authenticate(token: string): Promise<ServiceKeyCaller> {
      if (!looksLikeServiceKey(token)) throw unauthorized();
      const record = await findLiveServiceKey(db, hashToken(token));
      if (!record) throw unauthorized();
      return { id: record.id, name: record.name, scopes: record.scopes as ServiceKeyScope[] };
    },

    touchKey: (key: ServiceKeyCaller) => touchServiceKey(db, key.id, TOUCH_INTERVAL_SECONDS),

    /** The audit row of a key's call, naming the key and the subject it acted for. */
    recordCall(
      key: ServiceKeyCaller,
      call: { action: AuditAction; subject: string; details?: Record<string, unknown> },
    ) {
      return recordAudit(db, { ...call, source: "service_key", actor: keyActor(key) });
    },
  };
}
