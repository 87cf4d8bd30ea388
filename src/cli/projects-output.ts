import type { EndpointReseal } from "../billing/outbox/webhook-endpoints.js";
import type { RateLimitRule } from "../config.js";
import type { ProjectSummary, ProjectView } from "../projects/project-service.js";
import type { RotationResult } from "../projects/rotate-master-key.js";
import { renderFields, renderTable } from "./text-table.js";

/** How `portico projects` prints: secrets only ever masked, as the service hands them out. */

export function renderProjectTable(rows: ProjectSummary[]): string {
  if (rows.length === 0)
    return "No projects. `portico projects create <id> --name <name>` adds one.\n";
  const header = ["ID", "NAME", "KEYS", "CREATED_AT", "DELETED_AT"];
  const lines = rows.map((row) => [
    row.id,
    row.name,
    row.modes.join(",") || "-",
    row.createdAt.toISOString(),
    row.deletedAt?.toISOString() ?? "",
  ]);
  return renderTable(header, lines);
}

const rate = (rule: RateLimitRule) => `${rule.max}/${rule.windowSeconds}s`;

export function renderProjectDetail(view: ProjectView): string {
  const list = (values: string[]) => (values.length > 0 ? values.join(", ") : "-");
  const rules = Object.entries(view.rateLimits).map(([name, rule]) => `${name} ${rate(rule)}`);
  const fields: [string, string][] = [
    ["id", view.id],
    ["name", view.name],
    ["test_secret_key", view.keys.test ?? "-"],
    ["live_secret_key", view.keys.live ?? "-"],
    ["test_webhook_secrets", list(view.webhookSecrets.test)],
    ["live_webhook_secrets", list(view.webhookSecrets.live)],
    ["return_origins", list(view.returnOrigins)],
    ["billing", describeBilling(view.billing)],
    ["rate_limits", rules.length > 0 ? rules.join(", ") : "the server's (RATE_LIMIT_*)"],
    ["jwt", describeJwt(view.jwt)],
    ["created_at", view.createdAt.toISOString()],
    ["updated_at", view.updatedAt.toISOString()],
  ];
  return renderFields(fields);
}

/** "3 plans, 1 portal configuration": what a billing file declares, at a glance. */
export function describeBilling(billing: unknown): string {
  if (billing === null || typeof billing !== "object") return "-";
  const { plans = [], portal_configurations: configurations = [] } = billing as {
    plans?: unknown[];
    portal_configurations?: unknown[];
  };
  const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
  return `${count(plans.length, "plan")}, ${count(configurations.length, "portal configuration")}`;
}

function describeJwt(jwt: ProjectView["jwt"]): string {
  if (!jwt) return "-";
  const claims = [
    jwt.issuer ? `issuer ${jwt.issuer}` : "",
    jwt.audience ? `audience ${jwt.audience}` : "",
  ].filter(Boolean);
  const source = jwt.kind === "jwks" ? `JWKS ${jwt.jwksUrl}` : `HS256 secret ${jwt.secret ?? "-"}`;
  return [source, ...claims].join(", ");
}

export function renderRotation(result: RotationResult, endpoints?: EndpointReseal): string {
  const lines = [
    `Re-sealed ${result.resealed} secret${result.resealed === 1 ? "" : "s"} in ${result.projects} project${result.projects === 1 ? "" : "s"} under the key "${result.keyId}"; ${result.current} already were.`,
    ...result.failed.map(
      (failure) =>
        `✗ ${failure.projectId}${failure.field ? ` ${failure.field}` : ""}: ${failure.reason}`,
    ),
  ];
  if (endpoints) {
    lines.push(
      `Re-sealed ${endpoints.resealed} outgoing webhook endpoint secret${endpoints.resealed === 1 ? "" : "s"}; ${endpoints.current} already were.`,
      ...endpoints.failed.map((failure) => `✗ ${failure.endpointId}: ${failure.reason}`),
    );
  }
  if (result.failed.length === 0 && (endpoints?.failed.length ?? 0) === 0) {
    lines.push(
      "Every project secret is under the current key: the previous keys can be removed from PORTICO_ENCRYPTION_PREVIOUS_KEYS.",
    );
  }
  return `${lines.join("\n")}\n`;
}

/** The value as JSON, dates as ISO strings (what `JSON.stringify` gives a Date). */
export const renderProjectsJson = (value: ProjectView | ProjectSummary[]) =>
  `${JSON.stringify(value, null, 2)}\n`;
