import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import type { Config } from "../config.js";
import type { Database } from "../db/client.js";
import { PorticoError } from "../errors.js";
import { projectDatabases } from "../projects/project-databases.js";
import { requireBox } from "../projects/project-secrets.js";
import {
  createProjectService,
  type ProjectService,
  type ProjectView,
} from "../projects/project-service.js";
import type { ProjectJwtInput, ProjectKeysInput } from "../projects/project-settings.js";
import { resealAllEndpointSecrets } from "../projects/reseal-endpoint-secrets.js";
import { createSecretBox, SecretBoxError } from "../projects/secret-box.js";
import {
  type CommandContext,
  type DatabaseAccess,
  processCommandContext,
  withCliDatabase,
} from "./command-context.js";
import {
  renderProjectDetail,
  renderProjectsJson,
  renderProjectTable,
  renderRotation,
} from "./projects-output.js";

/**
 * `portico projects …`: the registry of the apps this Portico serves. Secrets come only from
 * the environment (or `.env`), never from arguments: those land in shell history and `ps`.
 */

export function registerProjectsCommand(
  program: Command,
  context: CommandContext = processCommandContext(),
): void {
  const projects = program
    .command("projects")
    .description("The apps this Portico serves, each with its own Stripe account (preview)");
  const run = (
    access: DatabaseAccess,
    work: (
      service: ProjectService,
      config: Config,
      database: Pick<Database, "db" | "url">,
    ) => Promise<number>,
  ) => {
    const config = context.config();
    return withCliDatabase(
      config,
      context.io,
      access,
      async (database) => {
        const { db } = database;
        const box = config.encryption && createSecretBox(config.encryption);
        try {
          return await work(createProjectService({ db, box }), config, database);
        } catch (error) {
          if (!(error instanceof PorticoError || error instanceof SecretBoxError)) throw error;
          context.io.err(describeRefusal(error));
          return 1;
        }
      },
      context.database,
    ).then(context.exit);
  };
  const read = (command: string) => ({ readOnly: true, command: `portico projects ${command}` });
  const write = (command: string) => ({ ...read(command), readOnly: false, migrate: true });
  const { io } = context;

  projects
    .command("create <id>")
    .description("Add a project: <id> is a slug (a-z, 0-9, -) or a uuid")
    .requiredOption("--name <name>", "its display name")
    .action((id: string, options: { name: string }) =>
      run(write("create"), async (service) => {
        const view = await service.create({ id, name: options.name });
        io.out(
          `Created project ${view.id} (${view.name}). Next: \`portico projects set-keys ${view.id}\` with its Stripe keys in the environment.\n`,
        );
        return 0;
      }),
    );

  projects
    .command("list")
    .description("The projects, by id")
    .option("--all", "deleted projects too")
    .option("--json", "machine-readable output")
    .action((options: { all?: boolean; json?: boolean }) =>
      run(read("list"), async (service) => {
        const rows = await service.list({ includeDeleted: options.all ?? false });
        io.out(options.json ? renderProjectsJson(rows) : renderProjectTable(rows));
        return 0;
      }),
    );

  projects
    .command("show <id>")
    .description("One project, its secrets masked")
    .option("--json", "machine-readable output")
    .action((id: string, options: { json?: boolean }) =>
      run(read("show"), async (service) => {
        const view = await service.show(id);
        io.out(options.json ? renderProjectsJson(view) : renderProjectDetail(view));
        return 0;
      }),
    );

  projects
    .command("set-keys <id>")
    .description(
      "Store the project's Stripe keys and webhook secrets, read from STRIPE_TEST_SECRET_KEY, STRIPE_LIVE_SECRET_KEY, STRIPE_WEBHOOK_SECRETS (or STRIPE_WEBHOOK_SECRET) and STRIPE_LIVE_WEBHOOK_SECRETS",
    )
    .action((id: string) =>
      run(write("set-keys"), async (service, config) => {
        const input = keysFromEnvironment(config);
        if (Object.keys(input).length === 0) {
          io.err(
            "Nothing to set: put STRIPE_TEST_SECRET_KEY, STRIPE_LIVE_SECRET_KEY, STRIPE_WEBHOOK_SECRETS " +
              "(or STRIPE_WEBHOOK_SECRET) or STRIPE_LIVE_WEBHOOK_SECRETS in the environment or .env. " +
              "Secrets are never taken from the command line.\n",
          );
          return 1;
        }
        io.out(describeKeysSet(await service.setKeys(id, input), input));
        return 0;
      }),
    );

  projects
    .command("set-config <id>")
    .description("Set the project's billing configuration and return origins")
    .option("--file <path>", "its portico.config.json")
    .option("--return-origins <origins>", "comma-separated https origins return URLs may point at")
    .option(
      "--jwt",
      "sign-in with the app's JWTs: AUTH_JWT_SECRET or AUTH_JWKS_URL, AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE from the environment",
    )
    .option("--no-jwt", "turn JWT sign-in off")
    .action((id: string, options: { file?: string; returnOrigins?: string; jwt?: boolean }) =>
      run(write("set-config"), async (service, config) => {
        if (
          options.file === undefined &&
          options.returnOrigins === undefined &&
          options.jwt === undefined
        ) {
          io.err("Give --file <portico.config.json>, --return-origins <a,b>, --jwt or --no-jwt.\n");
          return 1;
        }
        const jwt = options.jwt === undefined ? undefined : jwtFromEnvironment(config, options.jwt);
        if (jwt === "missing") {
          io.err(
            "--jwt reads AUTH_JWT_SECRET (or AUTH_JWKS_URL), AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE from the environment or .env; none is set. Secrets are never taken from the command line.\n",
          );
          return 1;
        }
        const billing = options.file === undefined ? undefined : await readJson(options.file);
        const returnOrigins = options.returnOrigins
          ?.split(",")
          .map((origin) => origin.trim())
          .filter(Boolean);
        const view = await service.setConfig(id, {
          billing,
          returnOrigins,
          ...(jwt === undefined ? {} : { jwt }),
        });
        io.out(renderProjectDetail(view));
        return 0;
      }),
    );

  projects
    .command("delete <id>")
    .description("Delete a project: its row, secrets and billing rows stay until --purge")
    .option("--purge", "remove the project for good (a deleted one too)")
    .action((id: string, options: { purge?: boolean }) =>
      run(write("delete"), async (service, _config, database) => {
        if (options.purge) {
          await service.purge(id);
          // Its billing data goes with it: the project's own database.
          await projectDatabases({ database }).drop(id);
          io.out(`Purged project ${id} and its billing data.\n`);
        } else {
          await service.delete(id);
          io.out(
            `Deleted project ${id}. Its data is kept; \`portico projects delete ${id} --purge\` removes it.\n`,
          );
        }
        return 0;
      }),
    );

  projects
    .command("rotate-master-key")
    .description(
      "Re-seal every project secret under PORTICO_ENCRYPTION_KEY, so that the keys in PORTICO_ENCRYPTION_PREVIOUS_KEYS can be dropped",
    )
    .action(() =>
      run(write("rotate-master-key"), async (service, config, database) => {
        const result = await service.rotateMasterKey();
        // Outgoing webhook endpoints, the server's and each project's, use the same key.
        const box = requireBox(config.encryption && createSecretBox(config.encryption));
        const endpoints = await resealAllEndpointSecrets(database, service, box);
        io.out(renderRotation(result, endpoints));
        return result.failed.length + endpoints.failed.length > 0 ? 1 : 0;
      }),
    );
}

/** The environment's keys as the server reads them (`loadConfig` has checked their form). */
function keysFromEnvironment(config: Config): ProjectKeysInput {
  const { keys, webhookSecrets } = config.stripe;
  return {
    ...(keys.test ? { testSecretKey: keys.test } : {}),
    ...(keys.live ? { liveSecretKey: keys.live } : {}),
    ...(webhookSecrets.test.length > 0 ? { testWebhookSecrets: webhookSecrets.test } : {}),
    ...(webhookSecrets.live.length > 0 ? { liveWebhookSecrets: webhookSecrets.live } : {}),
  };
}

function describeKeysSet(view: ProjectView, input: ProjectKeysInput): string {
  const lines = [
    input.testSecretKey && `test secret key       ${view.keys.test}`,
    input.liveSecretKey && `live secret key       ${view.keys.live}`,
    input.testWebhookSecrets && `test webhook secrets  ${view.webhookSecrets.test.join(", ")}`,
    input.liveWebhookSecrets && `live webhook secrets  ${view.webhookSecrets.live.join(", ")}`,
  ].filter(Boolean);
  return `Set for project ${view.id}:\n${lines.map((line) => `  ${line}`).join("\n")}\n`;
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new PorticoError("VALIDATION_ERROR", `Cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PorticoError(
      "VALIDATION_ERROR",
      `${path} is not valid JSON: ${(error as Error).message}`,
    );
  }
}

/** The refusal and, for invalid input, every problem; no stack trace. */
function describeRefusal(error: PorticoError | SecretBoxError): string {
  const details = error instanceof PorticoError ? (error.details ?? []) : [];
  if (details.length === 0) return `${error.message}\n`;
  return `Invalid input:\n${details.map((detail) => `  - ${detail.message}`).join("\n")}\n`;
}

/** The project's JWT settings as the server's own are given: AUTH_JWT_* from the environment. */
function jwtFromEnvironment(config: Config, enabled: boolean): ProjectJwtInput | null | "missing" {
  if (!enabled) return null;
  const jwt = config.auth.jwt;
  if (!jwt) return "missing";
  const claims = {
    ...(jwt.issuer ? { issuer: jwt.issuer } : {}),
    ...(jwt.audience ? { audience: jwt.audience } : {}),
  };
  return jwt.kind === "secret"
    ? { secret: jwt.secret, ...claims }
    : { jwksUrl: jwt.jwksUrl, ...claims };
}
