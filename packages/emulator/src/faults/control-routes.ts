import type { Hono } from "hono";
import { z } from "zod";
import { createAccountRoute } from "../control/account-route.js";
import { formEnum, formInteger, formString, parseParams } from "../http/params.js";
import type { Store } from "../store.js";
import { formatAccountKey } from "./fault-middleware.js";
import type { FaultRegistry } from "./fault-registry.js";
import { FAULT_KINDS } from "./fault-rules.js";

const rateParam = () =>
  z
    .string()
    .regex(/^(0(\.\d+)?|1(\.0+)?)$/, "rate must be a number between 0 and 1")
    .transform(Number);

const addSchema = z.strictObject({
  kind: formEnum(FAULT_KINDS),
  method: formString().optional(),
  path: formString().optional(),
  rate: rateParam().optional(),
  ms: formInteger({ min: 0, max: 600_000 }).optional(),
  times: formInteger({ min: 1 }).optional(),
  scope: formEnum(["account", "global"]).optional(),
});

const clearSchema = z.strictObject({ scope: formEnum(["account", "global"]).optional() });

/**
 * `/_emulator/faults`: add, list and remove injected failures. A rule added here is limited
 * to the caller's account and mode unless `scope=global`.
 */
export function registerFaultControlRoutes(app: Hono, store: Store, faults: FaultRegistry): void {
  const keyOf = (account: { id: string; livemode: boolean }) =>
    formatAccountKey(account.id, account.livemode);

  app.post(
    "/_emulator/faults",
    createAccountRoute(store, ({ account, params }) => {
      const input = parseParams(addSchema, params);
      return faults.add({
        kind: input.kind,
        ...(input.method ? { method: input.method } : {}),
        ...(input.path ? { path: input.path } : {}),
        ...(input.rate !== undefined ? { rate: input.rate } : {}),
        ...(input.ms !== undefined ? { ms: input.ms } : {}),
        ...(input.times !== undefined ? { remaining: input.times } : {}),
        account: input.scope === "global" ? null : keyOf(account),
      });
    }),
  );
  app.get(
    "/_emulator/faults",
    createAccountRoute(store, ({ account }) => ({
      object: "list",
      data: faults.visibleTo(keyOf(account)),
    })),
  );
  app.delete(
    "/_emulator/faults",
    createAccountRoute(store, ({ account, params }) => {
      const { scope } = parseParams(clearSchema, params);
      return { deleted: faults.clear(scope === "global" ? null : keyOf(account)) };
    }),
  );
}
