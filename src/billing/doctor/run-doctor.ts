import type { Db } from "../../db/client.js";
import { countFailedRows, pingDatabase, readMigrationStatus } from "../../db/health.js";
import { stripeEvents, webhookDeliveries } from "../../db/schema.js";
import {
  type DoctorCheck,
  type DoctorDatabase,
  type DoctorDeps,
  fail,
  fromSetupItem,
  pass,
} from "./checks.js";
import { checkSetupOffline } from "./setup-checklist.js";
import { checkStripe } from "./stripe-checks.js";

const errorMessage = (error: unknown) => {
  const cause = (error as { cause?: { code?: string } }).cause;
  return [(error as Error).message, cause?.code].filter(Boolean).join(": ");
};

/**
 * The database, then the setup checklist with Stripe's answers beside each mode's offline
 * items, then APP_URL. The offline items are there even when Stripe cannot be reached.
 */
export async function runDoctorChecks(deps: DoctorDeps): Promise<DoctorCheck[]> {
  const [database, stripe, appUrl] = await Promise.all([
    checkDatabase(deps.database),
    checkStripe(deps),
    checkAppUrl(deps.config.appUrl, deps.fetch ?? fetch),
  ]);
  const setup = checkSetupOffline({
    config: deps.config,
    webhookEvents: deps.webhookEvents,
    target: deps.target,
  });
  return [
    ...database,
    fromSetupItem(setup.keys),
    ...setup.webhookSecrets.flatMap(({ mode, item }) => [
      ...(stripe.get(mode) ?? []),
      fromSetupItem(item),
    ]),
    fromSetupItem(setup.appUrl),
    appUrl,
  ];
}

async function checkDatabase(database: DoctorDatabase): Promise<DoctorCheck[]> {
  if (database.kind === "unavailable") {
    return [{ name: "database", ...database }];
  }
  const { db } = database;
  try {
    await pingDatabase(db);
  } catch (error) {
    return [
      fail(
        "database",
        `PostgreSQL does not answer (${errorMessage(error)})`,
        "check DATABASE_URL and that PostgreSQL accepts connections from this host",
      ),
    ];
  }
  const checks = [pass("database", "PostgreSQL answers")];
  const { applied, pending } = await readMigrationStatus(db);
  checks.push(
    pending.length === 0
      ? pass("migrations", `${applied} applied, none pending`)
      : fail(
          "migrations",
          `${pending.length} pending: ${pending.join(", ")}`,
          "run `portico migrate` (the server also migrates at startup)",
        ),
  );
  checks.push(await checkInbox(db), await checkOutgoingDeliveries(db));
  return checks;
}

function checkInbox(db: Db): Promise<DoctorCheck> {
  return checkFailedRows(db, stripeEvents, {
    name: "webhook_inbox",
    noTable: "no webhook inbox table yet",
    none: "no failed webhook events waiting",
    some: (n) => `${n} failed webhook event${n === 1 ? "" : "s"} waiting for a retry`,
    fix: "read `last_error` of the stripe_events rows with status 'failed'; they are retried automatically",
  });
}

/** Deliveries that ran out of retries: the app's endpoint never heard of those changes. */
function checkOutgoingDeliveries(db: Db): Promise<DoctorCheck> {
  return checkFailedRows(db, webhookDeliveries, {
    name: "outgoing_webhooks",
    noTable: "no outbox table yet",
    none: "no outgoing webhook delivery failed",
    some: (n) =>
      `${n} outgoing webhook deliver${n === 1 ? "y" : "ies"} failed for good: the endpoint did not hear of those changes`,
    fix: "`portico events deliveries --status failed` shows each one's last error; fix the endpoint, then `portico events redeliver <dlv_…>`",
  });
}

/** Warns while `table` holds `failed` rows; skipped before its migration has run. */
async function checkFailedRows(
  db: Db,
  table: Parameters<typeof countFailedRows>[1],
  words: {
    name: string;
    noTable: string;
    none: string;
    some: (failed: number) => string;
    fix: string;
  },
): Promise<DoctorCheck> {
  const failed = await countFailedRows(db, table);
  if (failed === undefined) return { name: words.name, status: "skip", message: words.noTable };
  if (failed === 0) return pass(words.name, words.none);
  return { name: words.name, status: "warn", message: words.some(failed), fix: words.fix };
}

/** Any HTTP answer will do: users are sent back there, and Stripe posts webhooks under it. */
async function checkAppUrl(appUrl: string, fetcher: typeof fetch): Promise<DoctorCheck> {
  try {
    const response = await fetcher(appUrl, {
      redirect: "manual",
      signal: AbortSignal.timeout(5_000),
    });
    await response.body?.cancel();
    return pass("app_url", `${appUrl} answers (${response.status})`);
  } catch (error) {
    return fail(
      "app_url",
      `${appUrl} is unreachable (${errorMessage(error)})`,
      "set APP_URL to your app's public origin and check that it is up and reachable from here",
    );
  }
}
