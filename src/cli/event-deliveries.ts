import { type Command, Option } from "commander";
import { type DeliveryStatus, listDeliveries, redeliver } from "../db/webhook-deliveries.js";
import type { CommandContext, DatabaseAccess } from "./command-context.js";
import {
  PROJECT_HELP,
  PROJECT_OPTION,
  type TargetDatabase,
  withTargetDatabase,
} from "./target-database.js";
import { renderDeliveryTable, renderJson } from "./webhooks-output.js";

/**
 * `portico events deliveries|redeliver`: the outgoing webhooks' deliveries (one per event
 * and endpoint) and sending one again now. The server's worker does the sending.
 */

export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ["pending", "delivered", "failed"];

export interface DeliveriesOptions {
  status?: DeliveryStatus | undefined;
  event?: string | undefined;
  limit: number;
  json?: boolean | undefined;
  project?: string | undefined;
}

export function registerDeliveryCommands(
  events: Command,
  context: CommandContext,
  parseLimit: (value: string) => number,
): void {
  const { io } = context;
  const run = (
    access: DatabaseAccess,
    project: string | undefined,
    work: (target: TargetDatabase) => Promise<number>,
  ) =>
    withTargetDatabase(context.config(), io, access, project, work, context.database).then(
      context.exit,
    );

  events
    .command("deliveries")
    .description("Outgoing webhook deliveries, newest event first, with attempts and outcomes")
    .addOption(
      new Option("--status <status>", "only deliveries with this status").choices(
        DELIVERY_STATUSES,
      ),
    )
    .option("--event <id>", "only this outgoing event's (evt_…)")
    .option("--limit <n>", "how many (1 to 1000)", parseLimit, 50)
    .option("--json", "machine-readable output")
    .option(PROJECT_OPTION, PROJECT_HELP)
    .action((options: DeliveriesOptions) =>
      run(
        { readOnly: true, command: "portico events deliveries" },
        options.project,
        async ({ db }) => {
          const rows = await listDeliveries(db, {
            status: options.status,
            eventId: options.event,
            limit: options.limit,
          });
          io.out(options.json ? renderJson(rows) : renderDeliveryTable(rows, new Date()));
          return 0;
        },
      ),
    );

  events
    .command("redeliver <id>")
    .description(
      "Send a failed or waiting delivery (dlv_…), or every delivery of an event (evt_…), now; --force for delivered ones too",
    )
    .option("--force", "also send again what was delivered")
    .option(PROJECT_OPTION, PROJECT_HELP)
    .action((id: string, options: { force?: boolean; project?: string }) =>
      run(
        { readOnly: false, command: "portico events redeliver", migrate: true },
        options.project,
        async ({ db }) => {
          const due = await redeliver(db, id, {
            now: new Date(),
            delivered: options.force ?? false,
          });
          if (due.length === 0) {
            io.err(
              `Nothing to redeliver for ${id}: no such delivery or event, or it is in flight now` +
                `${options.force ? "" : ", or delivered already (add --force)"}. ` +
                "`portico events deliveries` shows them.\n",
            );
            return 1;
          }
          for (const row of due) {
            io.out(`✓ ${row.id} (${row.eventId} to ${row.endpointId}) is due now\n`);
          }
          io.out("A running server sends it on its next poll.\n");
          return 0;
        },
      ),
    );
}
