import { BillingConfigError } from "../billing/billing-config.js";
import type { BillingConfig } from "../billing/billing-config-schema.js";
import type { Config } from "../config.js";
import { PorticoError } from "../errors.js";
import { projectConfig } from "../projects/project-config.js";
import { requireBox } from "../projects/project-secrets.js";
import {
  createProjectService,
  type ProjectSettings,
  projectNotFound,
} from "../projects/project-service.js";
import { createSecretBox, type SecretBox } from "../projects/secret-box.js";
import { type CommandIo, withCliDatabase } from "./command-context.js";
import { useRecordedEmulatorBase } from "./quick-start-record.js";

/**
 * A project as a command acts for it (`--project <id>`): the configuration it runs with, its
 * own Stripe keys and billing file in place of the environment's. The database is open only
 * while the settings are read; the command then talks to Stripe alone.
 */
export interface CliProject {
  id: string;
  settings: ProjectSettings;
  config: Config;
  billing: BillingConfig | undefined;
}

/** The project, or undefined once the reason it cannot be had is written to `io.err`. */
export async function loadCliProject(
  server: Config,
  id: string,
  command: string,
  io: CommandIo,
): Promise<CliProject | undefined> {
  let box: SecretBox;
  try {
    // Before the database is opened, and whether or not the project has secrets yet.
    box = requireBox(server.encryption && createSecretBox(server.encryption));
  } catch (error) {
    io.err(`${(error as Error).message}\n`);
    return undefined;
  }
  let project: CliProject | undefined;
  const code = await withCliDatabase(server, io, { readOnly: true, command }, async ({ db }) => {
    try {
      const settings = await createProjectService({ db, box }).settings(id);
      if (!settings) throw projectNotFound(id);
      const { config, billingConfig } = projectConfig(
        useRecordedEmulatorBase(server, io.err),
        settings,
      );
      project = { id: settings.id, settings, config, billing: billingConfig };
      return 0;
    } catch (error) {
      if (!(error instanceof PorticoError || error instanceof BillingConfigError)) throw error;
      io.err(`${error.message}\n`);
      return 1;
    }
  });
  return code === 0 ? project : undefined;
}
