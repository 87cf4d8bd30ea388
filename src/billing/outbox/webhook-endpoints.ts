import { randomBytes } from "node:crypto";
import type { Db } from "../../db/client.js";
import {
  deleteWebhookEndpoint,
  insertWebhookEndpoint,
  listSealedEndpointSecrets,
  listWebhookEndpoints,
  replaceEndpointSecret,
  type WebhookEndpointListing,
} from "../../db/webhook-endpoints.js";
import { PorticoError, validationError } from "../../errors.js";
import type { SecretBox } from "../../projects/secret-box.js";
import { OUTGOING_EVENT_TYPES, type OutgoingEventType } from "./outgoing-events.js";
import { newSigningSecret } from "./webhook-signature.js";

const MAX_URL_LENGTH = 2048;

/**
 * Where an endpoint's sealed secret may be opened: that endpoint, on this server or in that
 * project's database. A sealed value copied to another endpoint or project does not open.
 */
export const endpointSecretBinding = (projectId: string | undefined, endpointId: string) =>
  projectId
    ? `portico/projects/${projectId}/webhook_endpoints/${endpointId}`
    : `portico/webhook_endpoints/${endpointId}`;

/** Why no secret can be sealed or opened without a master key, and what to do. */
export const NO_MASTER_KEY =
  "PORTICO_ENCRYPTION_KEY is not set: outgoing webhook endpoints need it, because their signing secrets are stored sealed with it (the server needs the same key to sign). Generate one with: " +
  `node -e "console.log('k1:'+require('crypto').randomBytes(32).toString('base64'))"` +
  " and set it, e.g. in .env, for the server and the CLI alike.";

export interface NewEndpointInput {
  url: string;
  /** Default: every type. */
  events?: readonly string[] | undefined;
  description?: string | undefined;
}

/** An endpoint as created: the only time its secret is shown. */
export interface CreatedEndpoint {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  secret: string;
}

/**
 * The operator's outgoing webhook endpoints. A URL must be http(s) and carry no credentials
 * (lists show it); the events must be ones Portico sends. The signing secret is made here,
 * sealed under PORTICO_ENCRYPTION_KEY, and answered once.
 */
export function createWebhookEndpointService(deps: {
  db: Db;
  box: SecretBox | undefined;
  projectId?: string | undefined;
}) {
  const { db, box, projectId } = deps;

  async function addEndpoint(input: NewEndpointInput): Promise<CreatedEndpoint> {
    const url = parseEndpointUrl(input.url);
    const events = parseEventTypes(input.events);
    if (!box) throw new PorticoError("SERVICE_UNAVAILABLE", NO_MASTER_KEY);
    const id = `we_${randomBytes(12).toString("hex")}`;
    const secret = newSigningSecret();
    const row = await insertWebhookEndpoint(db, {
      id,
      url,
      events,
      secret: box.seal(secret, endpointSecretBinding(projectId, id)),
      description: input.description?.trim() || null,
    });
    return { id, url: row.url, events: row.events, description: row.description, secret };
  }

  async function removeEndpoint(id: string): Promise<void> {
    if (!(await deleteWebhookEndpoint(db, id))) {
      throw new PorticoError(
        "NOT_FOUND",
        `No webhook endpoint ${id}. \`portico webhooks list\` shows them.`,
      );
    }
  }

  return {
    addEndpoint,
    removeEndpoint,
    listEndpoints: (): Promise<WebhookEndpointListing[]> => listWebhookEndpoints(db),
  };
}

export type WebhookEndpointService = ReturnType<typeof createWebhookEndpointService>;

/** What a master key rotation did to the endpoints' secrets of one database. */
export interface EndpointReseal {
  resealed: number;
  current: number;
  failed: { endpointId: string; reason: string }[];
}

/**
 * Re-seals every endpoint secret not under the current master key (`portico projects
 * rotate-master-key`). A secret replaced meanwhile (the endpoint removed) is left alone.
 */
export async function resealEndpointSecrets(
  db: Db,
  box: SecretBox,
  projectId?: string,
): Promise<EndpointReseal> {
  const result: EndpointReseal = { resealed: 0, current: 0, failed: [] };
  for (const row of await listSealedEndpointSecrets(db)) {
    try {
      if (box.keyIdOf(row.secret) === box.currentKeyId) {
        result.current += 1;
        continue;
      }
      const next = box.reseal(row.secret, endpointSecretBinding(projectId, row.id));
      if (await replaceEndpointSecret(db, row.id, row.secret, next)) result.resealed += 1;
    } catch (error) {
      result.failed.push({ endpointId: row.id, reason: (error as Error).message });
    }
  }
  return result;
}

function parseEndpointUrl(raw: string): string {
  const refuse = (message: string) => validationError([{ path: ["url"], message }]);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse(`"${raw}" is not a URL; give one like https://app.example.com/webhooks/portico`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw refuse(`an endpoint URL must be http or https, not ${url.protocol.replace(":", "")}`);
  }
  if (url.username || url.password) {
    throw refuse("an endpoint URL may not carry a user name or password: lists would show them");
  }
  if (url.href.length > MAX_URL_LENGTH)
    throw refuse(`an endpoint URL may be at most ${MAX_URL_LENGTH} characters`);
  return url.href;
}

function parseEventTypes(events: readonly string[] | undefined): string[] {
  const given = (events ?? []).map((type) => type.trim()).filter(Boolean);
  if (given.length === 0 || given.includes("*")) return ["*"];
  const unknown = given.filter((type) => !OUTGOING_EVENT_TYPES.includes(type as OutgoingEventType));
  if (unknown.length > 0) {
    throw validationError([
      {
        path: ["events"],
        message: `unknown event type ${unknown.join(", ")}; Portico sends ${OUTGOING_EVENT_TYPES.join(", ")} (or * for all)`,
      },
    ]);
  }
  return [...new Set(given)];
}
