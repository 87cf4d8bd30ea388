import type { StripeMode } from "../config.js";
import type { Db } from "../db/client.js";
import { pingDatabase, readMigrationStatus } from "../db/health.js";
import type { StripeGateway } from "../stripe/gateway.js";
import type { SetupCheck } from "./setup-check.js";

export interface ReadinessCheck {
  name: string;
  ok: boolean;
  message: string;
}

export interface ReadinessReport {
  ready: boolean;
  checks: ReadinessCheck[];
}

/** A load balancer polls every few seconds; Stripe and the database should not feel it. */
const CACHE_MS = 10_000;
const CHECK_TIMEOUT_MS = 3_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function runCheck(name: string, check: () => Promise<string>): Promise<ReadinessCheck> {
  try {
    return { name, ok: true, message: await withTimeout(check(), CHECK_TIMEOUT_MS) };
  } catch (error) {
    return { name, ok: false, message: (error as Error).message };
  }
}

/**
 * Whether this instance can serve portal requests: the database answers and is
 * migrated, and every configured Stripe mode passes the startup setup check.
 * Reports are cached for ~10 s and concurrent probes share one run.
 */
export function createReadinessCheck(deps: {
  db: Db;
  stripe: Pick<StripeGateway, "modes">;
  setup: Pick<SetupCheck, "status">;
  cacheMs?: number;
}) {
  const { db, stripe, setup, cacheMs = CACHE_MS } = deps;
  let cached: { at: number; report: Promise<ReadinessReport> } | undefined;
  let draining = false;

  async function checkDatabase(): Promise<ReadinessCheck[]> {
    const database = await runCheck("database", async () => {
      await pingDatabase(db);
      return "answers";
    });
    if (!database.ok) return [database];
    const migrations = await runCheck("migrations", async () => {
      const { applied, pending } = await readMigrationStatus(db);
      if (pending.length > 0)
        throw new Error(
          `${pending.length} pending (${pending.join(", ")}): run \`portico migrate\``,
        );
      return `${applied} applied, none pending`;
    });
    return [database, migrations];
  }

  function checkStripeMode(mode: StripeMode): Promise<ReadinessCheck> {
    return runCheck(`stripe_${mode}`, async () => {
      const result = await setup.status(mode, cacheMs);
      if (!result.ok) throw new Error(result.problem);
      return "key works, default portal configuration and plan prices present";
    });
  }

  async function evaluate(): Promise<ReadinessReport> {
    const modes = stripe.modes();
    const checks = (
      await Promise.all([
        checkDatabase(),
        modes.length > 0
          ? Promise.all(modes.map(checkStripeMode))
          : [{ name: "stripe", ok: false, message: "no Stripe key is configured" }],
      ])
    ).flat();
    return { ready: checks.every((check) => check.ok), checks };
  }

  return {
    async check(): Promise<ReadinessReport> {
      if (draining) {
        return {
          ready: false,
          checks: [{ name: "shutdown", ok: false, message: "shutting down" }],
        };
      }
      if (!cached || Date.now() - cached.at > cacheMs) {
        cached = { at: Date.now(), report: evaluate() };
      }
      return cached.report;
    },
    /** From now on answer not-ready, so load balancers stop routing here while requests drain. */
    drain() {
      draining = true;
    },
  };
}

export type ReadinessCheckService = ReturnType<typeof createReadinessCheck>;
