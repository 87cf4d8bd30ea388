import { type Command, Option } from "commander";
import {
  createServiceKeyService,
  SERVICE_KEY_SCOPES,
  type ServiceKeyScope,
  type ServiceKeyService,
} from "../auth/service-keys.js";
import { PorticoError } from "../errors.js";
import {
  type CommandContext,
  type DatabaseAccess,
  processCommandContext,
} from "./command-context.js";
import { renderCreatedKey, renderKeysJson, renderKeyTable } from "./keys-output.js";
import { withTargetDatabase } from "./target-database.js";

/**
 * `portico keys …`: service keys for a host app's backend. A key's secret is printed once, by
 * `create`, and never logged or stored: only its SHA-256 is.
 */
export function registerKeysCommand(
  program: Command,
  context: CommandContext = processCommandContext(),
): void {
  const keys = program
    .command("keys")
    .description("Service keys: a backend acts for a user it names (Portico-Subject)");
  /** A project's keys live in its own database; the server's, in the server's. */
  const run = (
    access: DatabaseAccess,
    project: string | undefined,
    work: (service: ServiceKeyService) => Promise<number>,
  ) =>
    withTargetDatabase(
      context.config(),
      context.io,
      access,
      project,
      async ({ db }) => {
        try {
          return await work(createServiceKeyService({ db }));
        } catch (error) {
          if (!(error instanceof PorticoError)) throw error;
          context.io.err(`${error.message}\n`);
          return 1;
        }
      },
      context.database,
    ).then(context.exit);
  const read = (command: string) => ({ readOnly: true, command: `portico keys ${command}` });
  const write = (command: string) => ({ ...read(command), readOnly: false, migrate: true });
  const { io } = context;
  const projectOption = () =>
    new Option("--project <id>", "a hosted project's keys, for calls routed to that project");

  keys
    .command("create")
    .description("Create a key and print it once")
    .requiredOption("--name <name>", "what audit rows and lists call it")
    .addOption(
      new Option("--scope <scope>", "read, or manage (portal and checkout too)")
        .choices(SERVICE_KEY_SCOPES)
        .default("read"),
    )
    .addOption(projectOption())
    .action((options: { name: string; scope: ServiceKeyScope; project?: string }) =>
      run(write("create"), options.project, async (service) => {
        const { key, record } = await service.createKey(options);
        io.out(renderCreatedKey(key, record, options.project));
        return 0;
      }),
    );

  keys
    .command("list")
    .description("The keys, by creation: prefixes only, never the secrets")
    .option("--json", "machine-readable output")
    .addOption(projectOption())
    .action((options: { json?: boolean; project?: string }) =>
      run(read("list"), options.project, async (service) => {
        const rows = await service.listKeys();
        io.out(options.json ? renderKeysJson(rows) : renderKeyTable(rows));
        return 0;
      }),
    );

  keys
    .command("revoke <name>")
    .description("Revoke a key: its next call gets 401")
    .addOption(projectOption())
    .action((name: string, options: { project?: string }) =>
      run(write("revoke"), options.project, async (service) => {
        await service.revokeKey(name);
        io.out(`Revoked service key ${name}.\n`);
        return 0;
      }),
    );
}
