import type { BillingConfig } from "../billing/billing-config-schema.js";
import { type ChecklistTarget, projectTarget } from "../billing/doctor/checklist-target.js";
import type { DoctorCheck } from "../billing/doctor/checks.js";
import type { Config } from "../config.js";
import { projectWebhookUrl } from "../http/routes/project-webhooks.js";
import { loadCliProject } from "./cli-project.js";
import { describeBilling } from "./projects-output.js";

/** What doctor checks: a configuration, its billing file, and whose setup it is. */
export interface DoctorSubject {
  config: Config;
  billing: BillingConfig | undefined;
  /** The checks made while preparing, shown first. */
  checks: DoctorCheck[];
  webhookUrl?: string | undefined;
  target?: ChecklistTarget | undefined;
}

/**
 * `portico doctor --project <id>`: the same checks, run with the configuration the project
 * runs with (its keys, webhook secrets, billing file, return origins). Its webhooks arrive on
 * a URL of its own under the server's APP_URL, one per mode.
 */
export async function prepareProjectDoctor(
  server: Config,
  id: string,
): Promise<DoctorSubject | { failed: DoctorCheck }> {
  let refusal = "";
  const capture = (text: string) => {
    refusal += text;
  };
  const project = await loadCliProject(server, id, "portico doctor --project", {
    out: capture,
    err: capture,
  });
  if (!project) {
    return {
      failed: {
        name: "project",
        status: "fail",
        // Already says what to do: the id to look up, or the key or database to set.
        message: refusal.trim(),
      },
    };
  }
  const { settings, billing } = project;
  const keys = (["test", "live"] as const).filter((mode) => settings.credentials.keys[mode]);
  return {
    config: project.config,
    billing,
    checks: [
      {
        name: "project",
        status: "pass",
        message: `project ${project.id}: ${keys.length > 0 ? `${keys.join(" and ")} key${keys.length === 1 ? "" : "s"}` : "no Stripe key"}`,
      },
      billing
        ? {
            name: "billing_config",
            status: "pass",
            message: `project ${project.id}'s billing configuration: ${describeBilling(settings.billing)}`,
          }
        : {
            name: "billing_config",
            status: "skip",
            message: `project ${project.id} has no billing configuration: no plans or managed portal`,
            fix: `\`portico projects set-config ${project.id} --file portico.config.json\``,
          },
    ],
    target: projectTarget(settings, (mode) => projectWebhookUrl(server.appUrl, project.id, mode)),
  };
}
