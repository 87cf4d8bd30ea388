import { type Command, InvalidArgumentError, Option } from "commander";
import type { DestinationStream } from "pino";
import { readBillingConfigFile } from "../billing/billing-config.js";
import { type ReplayResult, replayStoredEvent } from "../billing/event-replay.js";
import { createPlanCatalog } from "../billing/plans.js";
import { createSyncRunner } from "../billing/sync/sync-runner.js";
import type { Config } from "../config.js";
import type { Db } from "../db/client.js";
import {
  findStripeEvent,
  listFailedStripeEventIds,
  listStripeEvents,
  type StripeEventStatus,
} from "../db/stripe-events.js";
import { createLogger } from "../logger.js";
import { createStripeClients } from "../stripe/client.js";
import { createStripeGateway } from "../stripe/gateway.js";
import {
  type CommandContext,
  type CommandIo,
  processCommandContext,
  withCliDatabase,
} from "./command-context.js";
import { registerDeliveryCommands } from "./event-deliveries.js";
import {
  renderEventDetail,
  renderEventsJson,
  renderEventTable,
  truncate,
} from "./events-output.js";

/**
 * `portico events list|show|replay`: look into the webhook inbox and re-apply what failed;
 * `deliveries|redeliver` (event-deliveries.ts): the outgoing webhooks' side.
 */

export const EVENT_STATUSES: readonly StripeEventStatus[] = [
  "processing",
  "processed",
  "ignored",
  "failed",
];

export type EventsIo = CommandIo;
export type EventsCommandContext = CommandContext;

export interface EventsListOptions {
  status?: StripeEventStatus | undefined;
  limit: number;
  json?: boolean | undefined;
}

export interface EventsReplayOptions {
  failed?: boolean | undefined;
  force?: boolean | undefined;
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1000;

function parseLimit(value: string): number {
  const limit = Number(value);
  if (!/^\d+$/.test(value) || limit < 1 || limit > MAX_LIMIT)
    throw new InvalidArgumentError(`give a whole number from 1 to ${MAX_LIMIT}`);
  return limit;
}

export function registerEventsCommand(
  program: Command,
  context: EventsCommandContext = processCommandContext(),
): void {
  const events = program
    .command("events")
    .description(
      "Look into the webhook inbox (stripe_events) and replay failed events; outgoing webhook deliveries",
    );
  const run = async (work: (config: Config) => Promise<number>) =>
    context.exit(await work(context.config()));

  events
    .command("list")
    .description("Events, newest first")
    .addOption(
      new Option("--status <status>", "only events with this status").choices(EVENT_STATUSES),
    )
    .option("--limit <n>", `how many (1 to ${MAX_LIMIT})`, parseLimit, DEFAULT_LIMIT)
    .option("--json", "machine-readable output")
    .action((options: EventsListOptions) =>
      run((config) => runEventsList(config, options, context.io)),
    );

  events
    .command("show <id>")
    .description("One event with its payload")
    .option("--json", "machine-readable output")
    .action((id: string, options: { json?: boolean }) =>
      run((config) => runEventsShow(config, id, options, context.io)),
    );

  events
    .command("replay [id]")
    .description(
      "Apply an event again through sync (a failed one; --force for a processed one), or every failed event with --failed",
    )
    .option("--failed", "replay every failed event, oldest first")
    .option("--force", "with an id: apply it even if it was processed already")
    .action((id: string | undefined, options: EventsReplayOptions) =>
      run((config) => runEventsReplay(config, id, options, context.io)),
    );

  registerDeliveryCommands(events, context, parseLimit);
}

export function runEventsList(config: Config, options: EventsListOptions, io: EventsIo) {
  return withCliDatabase(config, io, READ("events list"), async ({ db }) => {
    const rows = await listStripeEvents(db, { status: options.status, limit: options.limit });
    io.out(options.json ? renderEventsJson(rows) : renderEventTable(rows));
    return 0;
  });
}

export function runEventsShow(
  config: Config,
  id: string,
  options: { json?: boolean | undefined },
  io: EventsIo,
) {
  return withCliDatabase(config, io, READ("events show"), async ({ db }) => {
    const row = await findStripeEvent(db, id);
    if (!row) {
      io.err(`No event ${id} in the inbox. \`portico events list\` shows the ids it holds.\n`);
      return 1;
    }
    io.out(options.json ? renderEventsJson(row) : renderEventDetail(row));
    return 0;
  });
}

/** Exit code 1 when anything is left failing or could not be replayed. */
export function runEventsReplay(
  config: Config,
  id: string | undefined,
  options: EventsReplayOptions,
  io: EventsIo,
) {
  if (Boolean(options.failed) === Boolean(id) || (options.force && options.failed)) {
    io.err("Give an event id (optionally with --force), or --failed alone.\n");
    return Promise.resolve(1);
  }
  const access = { readOnly: false, command: "portico events replay" };
  return withCliDatabase(config, io, access, async ({ db }) => {
    const replay = await createReplayer(config, db, io);
    if (id) {
      const result = await replay(id, { force: options.force });
      io.out(describeReplay(id, result));
      return result.status === "processed" ? 0 : 1;
    }
    const ids = await listFailedStripeEventIds(db);
    const counts = { processed: 0, failed: 0, skipped: 0 };
    for (const failedId of ids) {
      const result = await replay(failedId, {});
      counts[result.status] += 1;
      io.out(describeReplay(failedId, result));
    }
    io.out(
      `${ids.length === 0 ? "No failed events. " : ""}${counts.processed} processed, ` +
        `${counts.failed} still failing${counts.skipped > 0 ? `, ${counts.skipped} skipped` : ""}.\n`,
    );
    return counts.failed + counts.skipped > 0 ? 1 : 0;
  });
}

function describeReplay(id: string, result: ReplayResult): string {
  if (result.status === "processed") return `✓ ${id} processed\n`;
  const mark = result.status === "failed" ? "✗" : "-";
  return `${mark} ${id} ${result.status}: ${truncate(result.error ?? "", 200)}\n`;
}

/** The sync runner as the server builds it, with warnings on stderr instead of the log. */
async function createReplayer(config: Config, db: Db, io: EventsIo) {
  const billing = await readBillingConfigFile(config.billingConfigPath);
  const quiet = ["silent", "fatal", "error"].includes(config.logLevel);
  const logger = createLogger(
    { env: config.env, logLevel: quiet ? config.logLevel : "warn" },
    stderrOf(io),
  );
  const runner = createSyncRunner({
    db,
    stripe: createStripeGateway(createStripeClients(config.stripe)),
    plans: createPlanCatalog(billing),
    config,
    logger,
  });
  return (id: string, options: { force?: boolean | undefined }) =>
    replayStoredEvent({ db, runner, logger }, id, { force: options.force ?? false });
}

const READ = (command: string) => ({ readOnly: true, command: `portico ${command}` });

const stderrOf = (io: EventsIo): DestinationStream => ({ write: (line) => io.err(line) });
