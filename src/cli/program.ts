import { readFileSync } from "node:fs";
import { Command } from "commander";
import { registerCustomersCommand } from "./customers.js";
import { registerDoctorCommand } from "./doctor.js";
import { registerEventsCommand } from "./events.js";
import { registerKeysCommand } from "./keys.js";
import { registerProjectsCommand } from "./projects.js";
import { registerStripeCommands } from "./stripe.js";
import { registerSyncCommand } from "./sync.js";
import { registerWebhooksCommand } from "./webhooks.js";

// src/cli/ and dist/cli/ are both two levels below the package root.
const { version } = JSON.parse(
  readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
) as { version: string };

const program = new Command()
  .name("portico")
  .description("Self-serve billing on Stripe: portal sessions, checkout and webhook sync")
  .version(version)
  .showHelpAfterError();

program
  .command("start")
  .description(
    "Run the server. Without a Stripe key it starts the Stripe emulator and seeds a demo.",
  )
  .option("--no-web-build", "do not build the web app (npm run dev serves it with Vite)")
  // Loaded when run: the server's modules are most of the CLI's start-up time (`--help`).
  .action(async (options: { webBuild: boolean }) => (await import("./start.js")).runStart(options));

program
  .command("migrate")
  .description("Apply pending database migrations (the server also does this at startup)")
  .action(async () => (await import("./migrate.js")).runMigrate());

registerStripeCommands(program);
registerDoctorCommand(program);
registerSyncCommand(program);
registerEventsCommand(program);
registerProjectsCommand(program);
registerCustomersCommand(program);
registerKeysCommand(program);
registerWebhooksCommand(program);

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
