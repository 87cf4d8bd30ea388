import type { Config, StripeMode } from "../config.js";
import type { Db } from "../db/client.js";
import { PorticoError } from "../errors.js";
import {
  findProject,
  insertProject,
  listProjects,
  listReturnOrigins,
  type ProjectPatch,
  type ProjectRow,
  purgeProject,
  softDeleteProject,
  updateProject,
} from "./project-repository.js";
import {
  maskList,
  openList,
  openSecret,
  requireBox,
  sealList,
  sealSecret,
} from "./project-secrets.js";
import {
  type ProjectConfigInput,
  type ProjectJwtSettings,
  type ProjectKeysInput,
  type ProjectRateLimits,
  parseProjectConfig,
  parseProjectId,
  parseProjectKeys,
  parseProjectName,
} from "./project-settings.js";
import { type RotationResult, rotateMasterKey } from "./rotate-master-key.js";
import { maskSecret, type SecretBox } from "./secret-box.js";

/**
 * The project registry: the apps one Portico serves, each with its own Stripe account.
 * Secrets go in sealed and come out masked; only `credentials` opens them, for the server.
 */

export interface ProjectSummary {
  id: string;
  name: string;
  /** The modes that have a Stripe key. */
  modes: StripeMode[];
  createdAt: Date;
  deletedAt: Date | null;
}

/** A project as an operator may see it: every secret masked. */
export interface ProjectView {
  id: string;
  name: string;
  keys: Record<StripeMode, string | null>;
  webhookSecrets: Record<StripeMode, string[]>;
  returnOrigins: string[];
  billing: unknown;
  rateLimits: ProjectRateLimits;
  jwt: (ProjectJwtSettings & { secret?: string }) | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The plaintext a server needs to act for the project, in the shapes of its own settings. */
export interface ProjectCredentials {
  keys: Partial<Record<StripeMode, string>>;
  webhookSecrets: Record<StripeMode, string[]>;
  jwt: Config["auth"]["jwt"];
}

/** Everything a server needs to run a project; `updatedAt` tells a cached copy it is stale. */
export interface ProjectSettings {
  id: string;
  updatedAt: Date;
  returnOrigins: string[];
  /** The project's `portico.config.json` as stored (unparsed); null: none. */
  billing: unknown;
  rateLimits: ProjectRateLimits;
  credentials: ProjectCredentials;
}

/** An unknown (or deleted) project, with where to look for the right id. */
export const projectNotFound = (id: string) =>
  new PorticoError("NOT_FOUND", `No project "${id}". \`portico projects list\` shows them.`);

export function createProjectService(deps: { db: Db; box: SecretBox | undefined }) {
  const { db, box } = deps;
  const notFound = projectNotFound;

  async function load(id: string): Promise<ProjectRow> {
    const row = await findProject(db, parseProjectId(id));
    if (!row) throw notFound(id);
    return row;
  }

  async function update(id: string, patch: ProjectPatch): Promise<ProjectView> {
    const row = await updateProject(db, id, patch);
    if (!row) throw notFound(id);
    return viewOf(row);
  }

  function credentialsOf(row: ProjectRow): ProjectCredentials {
    const jwt = row.jwt as ProjectJwtSettings | null;
    const secret = openSecret(box, row, "jwtSecret");
    return {
      keys: {
        ...(row.testSecretKey ? { test: openSecret(box, row, "testSecretKey") } : {}),
        ...(row.liveSecretKey ? { live: openSecret(box, row, "liveSecretKey") } : {}),
      },
      webhookSecrets: {
        test: openList(box, row, "testWebhookSecrets"),
        live: openList(box, row, "liveWebhookSecrets"),
      },
      jwt:
        jwt?.kind === "jwks"
          ? jwt
          : jwt && secret
            ? { kind: "secret", secret, issuer: jwt.issuer, audience: jwt.audience }
            : undefined,
    };
  }

  function viewOf(row: ProjectRow): ProjectView {
    const masked = (field: "testSecretKey" | "liveSecretKey") => {
      const value = openSecret(box, row, field);
      return value === undefined ? null : maskSecret(value);
    };
    const jwtSecret = openSecret(box, row, "jwtSecret");
    const jwt = row.jwt as ProjectJwtSettings | null;
    return {
      id: row.id,
      name: row.name,
      keys: { test: masked("testSecretKey"), live: masked("liveSecretKey") },
      webhookSecrets: {
        test: maskList(openList(box, row, "testWebhookSecrets")),
        live: maskList(openList(box, row, "liveWebhookSecrets")),
      },
      returnOrigins: row.returnOrigins,
      billing: row.billingConfig,
      rateLimits: row.rateLimits as ProjectRateLimits,
      jwt: jwt && { ...jwt, ...(jwtSecret ? { secret: maskSecret(jwtSecret) } : {}) },
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }

  return {
    async create(input: { id: string; name: string }): Promise<ProjectView> {
      const id = parseProjectId(input.id);
      const row = await insertProject(db, { id, name: parseProjectName(input.name) });
      if (row) return viewOf(row);
      // Its billing rows outlive a deleted project: a new one must not inherit them by id.
      const existing = await findProject(db, id, { includeDeleted: true });
      throw new PorticoError(
        "CONFLICT",
        existing?.deletedAt
          ? `The project "${id}" was deleted; purge it (\`portico projects delete ${id} --purge\`) to reuse its id.`
          : `A project "${id}" exists already.`,
      );
    },

    async list(options: { includeDeleted?: boolean } = {}): Promise<ProjectSummary[]> {
      const rows = await listProjects(db, options);
      return rows.map((row) => ({
        id: row.id,
        name: row.name,
        modes: (["test", "live"] as const).filter((mode) => row[`${mode}SecretKey`] !== null),
        createdAt: row.createdAt,
        deletedAt: row.deletedAt,
      }));
    },

    async show(id: string): Promise<ProjectView> {
      return viewOf(await load(id));
    },

    /** The plaintext secrets. For the server acting as the project; never for display. */
    async credentials(id: string): Promise<ProjectCredentials> {
      return credentialsOf(await load(id));
    },

    /** What the server runs a project with, or undefined when there is no such live project. */
    async settings(id: string): Promise<ProjectSettings | undefined> {
      const row = await findProject(db, id);
      if (!row) return undefined;
      return {
        id: row.id,
        updatedAt: row.updatedAt,
        returnOrigins: row.returnOrigins,
        billing: row.billingConfig,
        rateLimits: row.rateLimits as ProjectRateLimits,
        credentials: credentialsOf(row),
      };
    },

    /** Every origin a live project's return URLs may point at (its app's browser origins). */
    returnOrigins(): Promise<string[]> {
      return listReturnOrigins(db);
    },

    /** When the project last changed, without opening a secret; undefined once it is gone. */
    async version(id: string): Promise<Date | undefined> {
      return (await findProject(db, id))?.updatedAt;
    },

    /** Seals the keys given; the others stay. An empty webhook list removes the mode's secrets. */
    async setKeys(id: string, input: ProjectKeysInput): Promise<ProjectView> {
      const projectId = parseProjectId(id);
      const keys = parseProjectKeys(input);
      const sealer = requireBox(box);
      const patch: ProjectPatch = {};
      for (const field of ["testSecretKey", "liveSecretKey"] as const) {
        const value = keys[field];
        if (value !== undefined) patch[field] = sealSecret(sealer, projectId, field, value);
      }
      for (const field of ["testWebhookSecrets", "liveWebhookSecrets"] as const) {
        const values = keys[field];
        if (values !== undefined) patch[field] = sealList(sealer, projectId, field, values);
      }
      return update(projectId, patch);
    },

    async setConfig(id: string, input: ProjectConfigInput): Promise<ProjectView> {
      const projectId = parseProjectId(id);
      const config = parseProjectConfig(input);
      const patch: ProjectPatch = {};
      if (config.billing !== undefined) patch.billingConfig = config.billing;
      if (config.returnOrigins) patch.returnOrigins = config.returnOrigins;
      if (config.rateLimits) patch.rateLimits = config.rateLimits;
      if (config.jwt === null) Object.assign(patch, { jwt: null, jwtSecret: null });
      if (config.jwt) {
        const { settings, secret } = config.jwt;
        patch.jwt = settings;
        patch.jwtSecret =
          secret === undefined ? null : sealSecret(requireBox(box), projectId, "jwtSecret", secret);
      }
      return update(projectId, patch);
    },

    /** Soft: the row and its secrets stay (and, later, its billing rows) until `purge`. */
    async delete(id: string): Promise<void> {
      if (!(await softDeleteProject(db, parseProjectId(id)))) throw notFound(id);
    },

    async purge(id: string): Promise<void> {
      if (!(await purgeProject(db, parseProjectId(id)))) throw notFound(id);
    },

    rotateMasterKey(): Promise<RotationResult> {
      return rotateMasterKey(db, requireBox(box));
    },
  };
}

export type ProjectService = ReturnType<typeof createProjectService>;
