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
  withCliDatabase,
} from "./command-context.js";
import { renderCreatedKey, renderKeysJson, renderKeyTable } from "./keys-output.js";

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
  const run = (access: DatabaseAccess, work: (service: ServiceKeyService) => Promise<number>) =>
    withCliDatabase(
      context.config(),
      context.io,
      access,
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

  keys
    .command("create")
    .description("Create a key and print it once")
    .requiredOption("--name <name>", "what audit rows and lists call it")
    .addOption(
      new Option("--scope <scope>", "read, or manage (portal and checkout too)")
        .choices(SERVICE_KEY_SCOPES)
        .default("read"),
    )
    .action((options: { name: string; scope: ServiceKeyScope }) =>
      run(write("create"), async (service) => {
        const { key, record } = await service.createKey(options);
        io.out(renderCreatedKey(key, record));
        return 0;
      }),
    );

  keys
    .command("list")
    .description("The keys, by creation: prefixes only, never the secrets")
    .option("--json", "machine-readable output")
    .action((options: { json?: boolean }) =>
      run(read("list"), async (service) => {
        const rows = await service.listKeys();
        io.out(options.json ? renderKeysJson(rows) : renderKeyTable(rows));
        return 0;
      }),
    );

  keys
    .command("revoke <name>")
    .description("Revoke a key: its next call gets 401")
    .action((name: string) =>
      run(write("revoke"), async (service) => {
        await service.revokeKey(name);
        io.out(`Revoked service key ${name}.\n`);
        return 0;
      }),
    );
}
