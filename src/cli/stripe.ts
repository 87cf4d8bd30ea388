import { createInterface } from "node:readline/promises";
import { type Command, Option } from "commander";
import { BillingConfigError, readBillingConfigFile } from "../billing/billing-config.js";
import type { CatalogPlan } from "../billing/catalog-plan.js";
import { createCatalogSync } from "../billing/catalog-sync.js";
import { describeStripeUnreachable, reachStripeAdvice } from "../billing/doctor/stripe-reach.js";
import type { Config, StripeMode } from "../config.js";
import { PorticoError } from "../errors.js";
import { createStripeClients } from "../stripe/client.js";
import { createStripeGateway } from "../stripe/gateway.js";
import { loadConfigOrExit } from "./load-config.js";
import { quickStartHint, useRecordedEmulator } from "./quick-start-record.js";
import { renderPlanJson, renderPlanText, summarizeChanges } from "./stripe-plan-output.js";

/** `portico stripe plan|apply`: bring a Stripe account in line with the billing file. */

export interface StripeCommandOptions {
  mode: StripeMode;
  config?: string | undefined;
  json?: boolean | undefined;
  detailedExitcode?: boolean | undefined;
  yes?: boolean | undefined;
}

/** Where a command writes and asks; the real terminal, or a capture in tests. */
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
  /** Both ends are a terminal: confirmation can be asked. */
  interactive: boolean;
  color: boolean;
  confirm(question: string): Promise<boolean>;
}

export function registerStripeCommands(program: Command): void {
  const stripe = program
    .command("stripe")
    .description("Bring a Stripe account in line with portico.config.json (plan, then apply)");
  const mode = () =>
    new Option("--mode <mode>", "Stripe mode whose key is used")
      .choices(["test", "live"])
      .default("test");
  const command = (name: string, description: string) =>
    stripe
      .command(name)
      .description(description)
      .addOption(mode())
      .option("--config <path>", "billing file (default: PORTICO_CONFIG or ./portico.config.json)");

  command("plan", "Show what apply would create, update or archive in Stripe; changes nothing")
    .option("--json", "machine-readable output")
    .option("--detailed-exitcode", "exit 2 when there are changes, 0 when none, 1 on error")
    .action(async (options: StripeCommandOptions) => {
      process.exitCode = await runStripePlan(options, loadConfigOrExit(), terminalIo());
    });

  command("apply", "Create, update and archive products, prices and portal configurations to match")
    .option("--json", "machine-readable output (needs --yes)")
    .option("-y, --yes", "apply without asking for confirmation")
    .action(async (options: StripeCommandOptions) => {
      process.exitCode = await runStripeApply(options, loadConfigOrExit(), terminalIo());
    });
}

export async function runStripePlan(
  options: StripeCommandOptions,
  configured: Config,
  io: CommandIo,
) {
  const prepared = await preparePlan(options, useRecordedEmulator(configured, io.err), io);
  if (!prepared) return 1;
  const { plan, file } = prepared;
  io.out(
    options.json
      ? renderPlanJson(plan.changes, { mode: options.mode, file })
      : renderPlanText(plan.changes, { mode: options.mode, file, color: io.color }),
  );
  return options.detailedExitcode && plan.changes.length > 0 ? 2 : 0;
}

export async function runStripeApply(
  options: StripeCommandOptions,
  configured: Config,
  io: CommandIo,
) {
  const config = useRecordedEmulator(configured, io.err);
  const prepared = await preparePlan(options, config, io);
  if (!prepared) return 1;
  const { plan, file, apply } = prepared;
  const render = (applied: boolean) =>
    options.json
      ? renderPlanJson(plan.changes, { mode: options.mode, file, applied })
      : renderPlanText(plan.changes, { mode: options.mode, file, color: io.color });
  if (plan.changes.length === 0) {
    io.out(render(false));
    return 0;
  }
  if (!options.yes) {
    if (!io.interactive || options.json) {
      io.err("Refusing to apply without --yes when not run on a terminal.\n");
      return 1;
    }
    io.out(render(false));
    if (!(await io.confirm(`Apply these changes to Stripe ${options.mode} mode? (yes/no) `))) {
      io.err("Apply cancelled; nothing was changed.\n");
      return 1;
    }
  } else if (!options.json) {
    io.out(render(false));
  }
  try {
    await apply(plan);
  } catch (error) {
    io.err(
      `Apply failed: ${describeError(error, config.stripe.apiBase)}\nRun \`portico stripe plan\` to see what remains.\n`,
    );
    return 1;
  }
  if (options.json) io.out(render(true));
  else {
    const s = summarizeChanges(plan.changes);
    io.out(
      `\nApplied: ${s.create} created, ${s.update} updated, ${s.replace} replaced, ${s.archive} archived.\n`,
    );
  }
  return 0;
}

async function preparePlan(options: StripeCommandOptions, config: Config, io: CommandIo) {
  const file = options.config ?? config.billingConfigPath;
  if (!config.stripe.keys[options.mode]) {
    const variable = options.mode === "live" ? "STRIPE_LIVE_SECRET_KEY" : "STRIPE_TEST_SECRET_KEY";
    io.err(
      `No Stripe key is configured for ${options.mode} mode. Set ${variable} (or STRIPE_SECRET_KEY)${quickStartHint(options.mode)}.\n`,
    );
    return undefined;
  }
  try {
    const billing = await readBillingConfigFile(file);
    if (!billing) {
      io.err(`No billing file at ${file}. Create one (see README, "Configuration as code").\n`);
      return undefined;
    }
    const stripe = createStripeGateway(createStripeClients(config.stripe));
    const sync = createCatalogSync({ stripe });
    const plan = await sync.planChanges(options.mode, billing);
    return { plan, file, apply: (p: CatalogPlan) => sync.applyChanges(options.mode, p) };
  } catch (error) {
    io.err(`${describeError(error, config.stripe.apiBase)}\n`);
    return undefined;
  }
}

function describeError(error: unknown, apiBase: string | undefined): string {
  // "Stripe is unavailable" says nothing a person can act on; the host and cause do.
  const offline = describeStripeUnreachable(error, apiBase);
  if (offline) return `Could not reach Stripe (${offline}): ${reachStripeAdvice(apiBase)}.`;
  if (error instanceof BillingConfigError || error instanceof PorticoError) return error.message;
  const cause =
    error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : "";
  return error instanceof Error ? `${error.message}${cause}` : String(error);
}

function terminalIo(): CommandIo {
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    interactive,
    // hasColors() honours NO_COLOR, FORCE_COLOR and the terminal's capabilities.
    color: Boolean(process.stdout.isTTY && process.stdout.hasColors?.()),
    async confirm(question) {
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      try {
        return (await rl.question(question)).trim().toLowerCase() === "yes";
      } finally {
        rl.close();
      }
    },
  };
}
