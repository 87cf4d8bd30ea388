import { createInterface } from "node:readline/promises";
import { type Command, Option } from "commander";
import { BillingConfigError, readBillingConfigFile } from "../billing/billing-config.js";
import type { BillingConfig } from "../billing/billing-config-schema.js";
import type { CatalogPlan } from "../billing/catalog-plan.js";
import { createCatalogSync } from "../billing/catalog-sync.js";
import { describeStripeUnreachable, reachStripeAdvice } from "../billing/doctor/stripe-reach.js";
import type { Config, StripeMode } from "../config.js";
import { PorticoError } from "../errors.js";
import { createStripeClients } from "../stripe/client.js";
import { createStripeGateway } from "../stripe/gateway.js";
import { loadCliProject } from "./cli-project.js";
import { loadConfigOrExit } from "./load-config.js";
import { quickStartHint, useRecordedEmulator } from "./quick-start-record.js";
import { renderPlanJson, renderPlanText, summarizeChanges } from "./stripe-plan-output.js";

/** `portico stripe plan|apply`: bring a Stripe account in line with the billing file. */

export interface StripeCommandOptions {
  mode: StripeMode;
  config?: string | undefined;
  /** A project's account and billing configuration instead of the environment's. */
  project?: string | undefined;
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
      .option("--config <path>", "billing file (default: PORTICO_CONFIG or ./portico.config.json)")
      .addOption(
        new Option(
          "--project <id>",
          "the project's Stripe account and stored billing configuration (needs PORTICO_ENCRYPTION_KEY)",
        ).conflicts("config"),
      );

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
  const prepared = await preparePlan("plan", options, configured, io);
  if (!prepared) return 1;
  const { plan, target } = prepared;
  io.out(
    options.json
      ? renderPlanJson(plan.changes, { mode: options.mode, ...target.source })
      : renderPlanText(plan.changes, { mode: options.mode, file: target.label, color: io.color }),
  );
  return options.detailedExitcode && plan.changes.length > 0 ? 2 : 0;
}

export async function runStripeApply(
  options: StripeCommandOptions,
  configured: Config,
  io: CommandIo,
) {
  const prepared = await preparePlan("apply", options, configured, io);
  if (!prepared) return 1;
  const { plan, target, apply } = prepared;
  const render = (applied: boolean) =>
    options.json
      ? renderPlanJson(plan.changes, { mode: options.mode, ...target.source, applied })
      : renderPlanText(plan.changes, { mode: options.mode, file: target.label, color: io.color });
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
      `Apply failed: ${describeError(error, target.config.stripe.apiBase)}\nRun \`portico stripe plan${target.flags}\` to see what remains.\n`,
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

/** The account and billing file a plan is made for: the environment's, or a project's. */
interface PlanTarget {
  config: Config;
  /** What the plan matches, in its text ... */
  label: string;
  /** ... and in its JSON. */
  source: { file: string } | { project: string };
  readBilling(): Promise<BillingConfig | undefined>;
  noKey: string;
  noBilling: string;
  /** The flags that select this target again, for the commands a message names. */
  flags: string;
}

function environmentTarget(options: StripeCommandOptions, config: Config): PlanTarget {
  const file = options.config ?? config.billingConfigPath;
  const variable = options.mode === "live" ? "STRIPE_LIVE_SECRET_KEY" : "STRIPE_TEST_SECRET_KEY";
  return {
    config,
    label: file,
    source: { file },
    readBilling: () => readBillingConfigFile(file),
    noKey: `No Stripe key is configured for ${options.mode} mode. Set ${variable} (or STRIPE_SECRET_KEY)${quickStartHint(options.mode)}.`,
    noBilling: `No billing file at ${file}. Create one (see README, "Configuration as code").`,
    flags: "",
  };
}

async function projectTarget(
  command: string,
  id: string,
  mode: StripeMode,
  server: Config,
  io: CommandIo,
): Promise<PlanTarget | undefined> {
  const project = await loadCliProject(server, id, `portico stripe ${command} --project`, io);
  if (!project) return undefined;
  const variable = `STRIPE_${mode.toUpperCase()}_SECRET_KEY`;
  return {
    config: project.config,
    label: `project ${project.id}'s billing configuration`,
    source: { project: project.id },
    readBilling: async () => project.billing,
    noKey: `Project ${project.id} has no Stripe key for ${mode} mode. Store one with \`portico projects set-keys ${project.id}\` and ${variable} in the environment.`,
    noBilling: `Project ${project.id} has no billing configuration. Set one with \`portico projects set-config ${project.id} --file portico.config.json\`.`,
    flags: ` --project ${project.id}`,
  };
}

async function preparePlan(
  command: "plan" | "apply",
  options: StripeCommandOptions,
  configured: Config,
  io: CommandIo,
) {
  const target = options.project
    ? await projectTarget(command, options.project, options.mode, configured, io)
    : environmentTarget(options, useRecordedEmulator(configured, io.err));
  if (!target) return undefined;
  const { config } = target;
  if (!config.stripe.keys[options.mode]) {
    io.err(`${target.noKey}\n`);
    return undefined;
  }
  try {
    const billing = await target.readBilling();
    if (!billing) {
      io.err(`${target.noBilling}\n`);
      return undefined;
    }
    const stripe = createStripeGateway(createStripeClients(config.stripe));
    const sync = createCatalogSync({ stripe });
    const plan = await sync.planChanges(options.mode, billing);
    return { plan, target, apply: (p: CatalogPlan) => sync.applyChanges(options.mode, p) };
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
