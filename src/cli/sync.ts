import { type Command, InvalidArgumentError, Option } from "commander";
import { createRateLimiter } from "../billing/backfill/rate-limiter.js";
import { runBackfill } from "../billing/backfill/run-backfill.js";
import { BillingConfigError, readBillingConfigFile } from "../billing/billing-config.js";
import { createPlanCatalog } from "../billing/plans.js";
import type { Config, StripeMode } from "../config.js";
import type { Database } from "../db/client.js";
import { databaseOptions, openDatabase } from "../db/client.js";
import { createLogger } from "../logger.js";
import { createBackfillCalls } from "../stripe/backfill-calls.js";
import { loadConfigOrExit } from "./load-config.js";
import { quickStartHint, useRecordedEmulator } from "./quick-start-record.js";
import { createProgressView, renderSyncJson, renderSyncText } from "./sync-output.js";

/** `portico sync`: backfill the local billing tables from Stripe. */

export interface SyncCommandOptions {
  mode: StripeMode;
  rate?: number | undefined;
  dryRun?: boolean | undefined;
  restart?: boolean | undefined;
  json?: boolean | undefined;
}

export interface SyncIo {
  out(text: string): void;
  err(text: string): void;
  /** stderr is a terminal: progress is a redrawn bar rather than lines. */
  terminal: boolean;
}

/** Stripe's own limits per mode: https://docs.stripe.com/rate-limits */
const DEFAULT_RATE: Record<StripeMode, number> = { test: 25, live: 100 };

/** The exit code of a run stopped by Ctrl-C, as shells report SIGINT. */
const INTERRUPTED = 130;

export function registerSyncCommand(program: Command): void {
  program
    .command("sync")
    .description(
      "Backfill customers, subscriptions (canceled too), cards and invoices from Stripe; resumable",
    )
    .addOption(
      new Option("--mode <mode>", "Stripe mode whose key is used")
        .choices(["test", "live"])
        .default("test"),
    )
    .option(
      "--rate <n>",
      "most Stripe requests per second (default SYNC_BACKFILL_RATE, else 25 test / 100 live)",
      parseRate,
    )
    .option("--dry-run", "write nothing; list each local row that differs from Stripe")
    .option("--restart", "forget an interrupted run's progress and start over")
    .option("--json", "machine-readable output")
    .action(async (options: SyncCommandOptions) => {
      const stop = new AbortController();
      const onInterrupt = () => {
        if (stop.signal.aborted) process.exit(INTERRUPTED);
        stop.abort();
        process.stderr.write("\nStopping after the current page (Ctrl-C again to quit now)…\n");
      };
      process.on("SIGINT", onInterrupt);
      const io: SyncIo = {
        out: (text) => process.stdout.write(text),
        err: (text) => process.stderr.write(text),
        terminal: Boolean(process.stderr.isTTY),
      };
      process.exitCode = await runSync(options, loadConfigOrExit(), io, { signal: stop.signal });
      process.off("SIGINT", onInterrupt);
    });
}

function parseRate(value: string): number {
  const rate = Number(value);
  if (!Number.isInteger(rate) || rate < 1 || rate > 1000)
    throw new InvalidArgumentError("a whole number of requests per second, 1 to 1000");
  return rate;
}

/**
 * Runs the backfill and prints its outcome; answers the exit code. A `database` passed in
 * (tests) is used as it is and left open.
 */
export async function runSync(
  options: SyncCommandOptions,
  configured: Config,
  io: SyncIo,
  context: { signal?: AbortSignal; database?: Database } = {},
): Promise<number> {
  const { signal } = context;
  const { mode } = options;
  const config = useRecordedEmulator(configured, io.err);
  if (!config.stripe.keys[mode]) {
    io.err(
      `portico sync: no Stripe ${mode} key. Set STRIPE_SECRET_KEY (or STRIPE_${mode.toUpperCase()}_SECRET_KEY)${quickStartHint(mode)}.\n`,
    );
    return 1;
  }
  const rateLimit = options.rate ?? config.sync.backfillRate ?? DEFAULT_RATE[mode];
  const limiter = createRateLimiter(rateLimit);
  let requests = 0;
  const stripe = createBackfillCalls(config.stripe, mode, async () => {
    await limiter.acquire();
    requests++;
  });

  let database = context.database;
  let opened: Database | undefined;
  if (!database) {
    try {
      database = opened = await openDatabase(databaseOptions(config));
    } catch (error) {
      io.err(`portico sync: ${error instanceof Error ? error.message : String(error)}\n`);
      return 1;
    }
  }
  try {
    const plans = createPlanCatalog(await readBillingConfigFile(config.billingConfigPath));
    await database.migrate();
    const logger = createLogger(config, { write: (line: string) => io.err(line) });
    const view = createProgressView(io);
    const started = performance.now();
    const result = await runBackfill(
      { db: database.db, stripe, plans, logger },
      {
        dryRun: options.dryRun ?? false,
        restart: options.restart ?? false,
        ...(signal ? { signal } : {}),
        onProgress: view.update,
      },
    );
    view.finish();
    const figures = {
      mode,
      dryRun: options.dryRun ?? false,
      seconds: (performance.now() - started) / 1000,
      requests,
      rateLimit,
    };
    io.out(options.json ? renderSyncJson(result, figures) : renderSyncText(result, figures));
    return result.status === "interrupted" ? INTERRUPTED : 0;
  } catch (error) {
    io.err(`\nportico sync: ${describeFailure(error)}\n`);
    return 1;
  } finally {
    await opened?.close();
  }
}

/** A failure in a sentence, without a stack trace; progress up to the last page is kept. */
function describeFailure(error: unknown): string {
  if (error instanceof BillingConfigError) return error.problems.join("; ");
  const message = error instanceof Error ? error.message.replace(/\.$/, "") : String(error);
  return `${message}. Progress up to the last finished page is kept: run it again to resume.`;
}
