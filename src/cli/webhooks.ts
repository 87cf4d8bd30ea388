import { type Command, InvalidArgumentError } from "commander";
import {
  createWebhookEndpointService,
  NO_MASTER_KEY,
  type WebhookEndpointService,
} from "../billing/outbox/webhook-endpoints.js";
import { PorticoError } from "../errors.js";
import { createSecretBox } from "../projects/secret-box.js";
import {
  type CommandContext,
  type DatabaseAccess,
  processCommandContext,
} from "./command-context.js";
import { PROJECT_HELP, PROJECT_OPTION, withTargetDatabase } from "./target-database.js";
import { renderCreatedEndpoint, renderEndpointTable, renderJson } from "./webhooks-output.js";

interface AddOptions {
  events?: string[];
  description?: string;
  json?: boolean;
  project?: string;
}

/**
 * `portico webhooks add|list|remove`: the URLs Portico sends its own events to
 * (subscription.changed, entitlements.changed, customer.linked), signed like Stripe's.
 */
export function registerWebhooksCommand(
  program: Command,
  context: CommandContext = processCommandContext(),
): void {
  const webhooks = program
    .command("webhooks")
    .description("Outgoing webhooks: the app URLs Portico tells of billing changes");
  const { io } = context;
  const run = (
    access: DatabaseAccess,
    project: string | undefined,
    work: (service: WebhookEndpointService) => Promise<number>,
  ) => {
    const config = context.config();
    return withTargetDatabase(
      config,
      io,
      access,
      project,
      async ({ db, projectId }) => {
        const box = config.encryption && createSecretBox(config.encryption);
        try {
          return await work(createWebhookEndpointService({ db, box, projectId }));
        } catch (error) {
          if (!(error instanceof PorticoError)) throw error;
          io.err(`portico webhooks: ${error.message}\n`);
          return 1;
        }
      },
      context.database,
    ).then(context.exit);
  };
  const read = (command: string) => ({ readOnly: true, command: `portico webhooks ${command}` });
  const write = (command: string) => ({ ...read(command), readOnly: false, migrate: true });

  webhooks
    .command("add <url>")
    .description("Register an endpoint and print its signing secret once")
    .option(
      "--events <types>",
      "comma-separated: subscription.changed, entitlements.changed, customer.linked (default: all)",
      (value: string) => {
        const types = value.split(",").map((type) => type.trim());
        if (types.some((type) => type === "")) throw new InvalidArgumentError("a list like a,b");
        return types;
      },
    )
    .option("--description <text>", "a note for lists")
    .option("--json", "machine-readable output (the secret included)")
    .option(PROJECT_OPTION, PROJECT_HELP)
    .action((url: string, options: AddOptions) => {
      // Before the database: without a master key there is nothing to seal the secret with.
      if (!context.config().encryption) {
        io.err(`portico webhooks add: ${NO_MASTER_KEY}\n`);
        context.exit(1);
        return;
      }
      return run(write("add"), options.project, async (service) => {
        const { events, description } = options;
        const created = await service.addEndpoint({ url, events, description });
        io.out(options.json ? renderJson(created) : renderCreatedEndpoint(created));
        return 0;
      });
    });

  webhooks
    .command("list")
    .description("The endpoints, with their undelivered deliveries; never their secrets")
    .option("--json", "machine-readable output")
    .option(PROJECT_OPTION, PROJECT_HELP)
    .action((options: { json?: boolean; project?: string }) =>
      run(read("list"), options.project, async (service) => {
        const rows = await service.listEndpoints();
        io.out(options.json ? renderJson(rows) : renderEndpointTable(rows));
        return 0;
      }),
    );

  webhooks
    .command("remove <id>")
    .description("Remove an endpoint and its deliveries (the events stay in the outbox)")
    .option(PROJECT_OPTION, PROJECT_HELP)
    .action((id: string, options: { project?: string }) =>
      run(write("remove"), options.project, async (service) => {
        await service.removeEndpoint(id);
        io.out(`Removed webhook endpoint ${id}.\n`);
        return 0;
      }),
    );
}
