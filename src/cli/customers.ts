import { userInfo } from "node:os";
import { type Command, InvalidArgumentError, Option } from "commander";
import type { Logger } from "pino";
import { createRateLimiter } from "../billing/backfill/rate-limiter.js";
import { readBillingConfigFile } from "../billing/billing-config.js";
import { type ImportMatch, importCustomers, parseImportMatch } from "../billing/customer-import.js";
import { createCustomerLinkService } from "../billing/customer-links.js";
import { createPlanCatalog } from "../billing/plans.js";
import { resolveSubjectReference, SUBJECT_SYNTAX } from "../billing/subject-reference.js";
import { createSyncRunner } from "../billing/sync/sync-runner.js";
import type { Config, StripeMode } from "../config.js";
import type { Db } from "../db/client.js";
import { PorticoError } from "../errors.js";
import { createLogger } from "../logger.js";
import { gatedHttpClient } from "../stripe/backfill-calls.js";
import { createStripeClients } from "../stripe/client.js";
import { createStripeGateway } from "../stripe/gateway.js";
import {
  type CommandContext,
  type CommandIo,
  processCommandContext,
  withCliDatabase,
} from "./command-context.js";
import { renderImportReport, renderLink } from "./customers-output.js";
import { quickStartHint, useRecordedEmulator } from "./quick-start-record.js";

/** `portico customers link|import`: link Stripe customers Portico did not create. */

export interface CustomersLinkOptions {
  mode: StripeMode;
  json?: boolean | undefined;
}

export interface CustomersImportOptions {
  match: ImportMatch;
  mode: StripeMode;
  dryRun?: boolean | undefined;
  json?: boolean | undefined;
}

/** Stripe's own read limits per mode, as `portico sync` paces itself. */
const DEFAULT_RATE: Record<StripeMode, number> = { test: 25, live: 100 };

const modeOption = () =>
  new Option("--mode <mode>", "Stripe mode of the customer")
    .choices(["test", "live"])
    .default("test");

export function registerCustomersCommand(
  program: Command,
  context: CommandContext = processCommandContext(),
): void {
  const customers = program
    .command("customers")
    .description("Link existing Stripe customers to Portico users and organizations");
  const run = async (work: (config: Config) => Promise<number>) =>
    context.exit(await work(context.config()));

  customers
    .command("link <subject> <customer>")
    .description(
      `Link a Stripe customer (cus_…) to a subject and pull its state. The subject: ${SUBJECT_SYNTAX}`,
    )
    .addOption(modeOption())
    .option("--json", "machine-readable output")
    .action((subject: string, customer: string, options: CustomersLinkOptions) =>
      run((config) => runCustomersLink(config, { subject, customer }, options, context)),
    );

  customers
    .command("import")
    .description(
      "Propose a link for every customer in Stripe, by a metadata key holding your app's user id or by a unique email; link them unless --dry-run",
    )
    .requiredOption("--match <how>", "metadata:<key> or email", (value: string) => {
      const match = parseImportMatch(value);
      if (!match) throw new InvalidArgumentError("metadata:<key> or email");
      return match;
    })
    .addOption(modeOption())
    .option("--dry-run", "write nothing; print what would be linked")
    .option("--json", "machine-readable output")
    .action((options: CustomersImportOptions) =>
      run((config) => runCustomersImport(config, options, context)),
    );
}

export function runCustomersLink(
  configured: Config,
  args: { subject: string; customer: string },
  options: CustomersLinkOptions,
  context: Pick<CommandContext, "io" | "database">,
): Promise<number> {
  const { io } = context;
  const config = useRecordedEmulator(configured, io.err);
  if (!hasKey(config, options.mode, io)) return Promise.resolve(1);
  const access = { readOnly: false, command: "portico customers link", migrate: true };
  return withCliDatabase(
    config,
    io,
    access,
    async ({ db }) => {
      const links = await createCliLinks(config, db, io);
      try {
        const subject = await resolveSubjectReference(db, args.subject);
        const result = await links.linkCustomer({
          subject,
          customerId: args.customer,
          mode: options.mode,
          source: "cli",
          actor: operatorName(),
        });
        io.out(renderLink(result, options.json ?? false));
        return 0;
      } catch (error) {
        if (!(error instanceof PorticoError)) throw error;
        io.err(`portico customers link: ${error.message}\n`);
        return 1;
      }
    },
    context.database,
  );
}

export function runCustomersImport(
  configured: Config,
  options: CustomersImportOptions,
  context: Pick<CommandContext, "io" | "database">,
): Promise<number> {
  const { io } = context;
  const config = useRecordedEmulator(configured, io.err);
  const { mode } = options;
  if (!hasKey(config, mode, io)) return Promise.resolve(1);
  const dryRun = options.dryRun ?? false;
  const access = { readOnly: dryRun, command: "portico customers import", migrate: !dryRun };
  return withCliDatabase(
    config,
    io,
    access,
    async ({ db }) => {
      // Every Stripe request of the import, pulls included, is paced as `portico sync` is.
      const limiter = createRateLimiter(config.sync.backfillRate ?? DEFAULT_RATE[mode]);
      const links = await createCliLinks(config, db, io, () => limiter.acquire());
      const report = await importCustomers(
        { db, stripe: links.stripe, links },
        { mode, match: options.match, dryRun },
      );
      io.out(renderImportReport(report, options.json ?? false));
      return 0;
    },
    context.database,
  );
}

function hasKey(config: Config, mode: StripeMode, io: CommandIo): boolean {
  if (config.stripe.keys[mode]) return true;
  io.err(
    `portico customers: no Stripe ${mode} key. Set STRIPE_SECRET_KEY (or STRIPE_${mode.toUpperCase()}_SECRET_KEY)${quickStartHint(mode)}.\n`,
  );
  return false;
}

/** The link service as the server builds it, its warnings on stderr. */
async function createCliLinks(
  config: Config,
  db: Db,
  io: CommandIo,
  beforeRequest?: () => Promise<void>,
) {
  const billing = await readBillingConfigFile(config.billingConfigPath);
  const quiet = ["silent", "fatal", "error"].includes(config.logLevel);
  const logger: Logger = createLogger(
    { env: config.env, logLevel: quiet ? config.logLevel : "warn" },
    { write: (line: string) => io.err(line) },
  );
  const clients = createStripeClients(
    config.stripe,
    beforeRequest ? { httpClient: gatedHttpClient(beforeRequest) } : {},
  );
  const stripe = createStripeGateway(clients);
  const runner = createSyncRunner({
    db,
    stripe,
    plans: createPlanCatalog(billing),
    config,
    logger,
  });
  return { ...createCustomerLinkService({ db, stripe, runner, logger }), stripe };
}

/** Who ran the command, for the audit row; the OS account, when the OS will say. */
function operatorName(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}
