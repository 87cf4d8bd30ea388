import { z } from "zod";
import {
  BillingConfigError,
  formatJsonPath,
  parseBillingConfig,
} from "../billing/billing-config.js";
import { type RateLimitRule, rateLimit } from "../config.js";
import { type FieldIssue, validationError } from "../errors.js";

/**
 * What a project's settings may be, checked before anything is sealed or stored. Messages
 * never quote a secret: a key pasted into the wrong field is still a key.
 */

/** A lower-case uuid matches too; an upper-case one is lowered first. */
const PROJECT_ID = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const RATE_LIMIT_NAMES = ["portal", "sync", "checkout", "login", "signup"] as const;
export type RateLimitName = (typeof RATE_LIMIT_NAMES)[number];
/** The rules a project sets; a rule it leaves out is the server's (RATE_LIMIT_*). */
export type ProjectRateLimits = Partial<Record<RateLimitName, RateLimitRule>>;

/** As `AUTH_JWT_*`: an HS256 secret (sealed apart) or a JWKS URL, with the claims to require. */
export type ProjectJwtSettings =
  | { kind: "secret"; issuer?: string; audience?: string }
  | { kind: "jwks"; jwksUrl: string; issuer: string; audience: string };

export interface ProjectJwtInput {
  issuer?: string | undefined;
  audience?: string | undefined;
  secret?: string | undefined;
  jwksUrl?: string | undefined;
}

export interface ProjectKeysInput {
  testSecretKey?: string | undefined;
  liveSecretKey?: string | undefined;
  testWebhookSecrets?: readonly string[] | undefined;
  liveWebhookSecrets?: readonly string[] | undefined;
}

export interface ProjectConfigInput {
  /** The project's `portico.config.json`; null removes it. */
  billing?: unknown;
  returnOrigins?: readonly string[] | undefined;
  /** `{ portal: "20/60s" }`, as RATE_LIMIT_PORTAL; replaces the project's rules. */
  rateLimits?: Partial<Record<RateLimitName, string>> | undefined;
  /** null turns JWT sign-in off. */
  jwt?: ProjectJwtInput | null | undefined;
}

const stripeKey = (mode: "test" | "live") =>
  z
    .string()
    .regex(
      new RegExp(`^(sk|rk)_${mode}_[A-Za-z0-9]+$`),
      `must be a ${mode}-mode secret key (sk_${mode}_… or rk_${mode}_…)`,
    );

const webhookSecrets = z
  .array(z.string().regex(/^whsec_\S+$/, "must be a webhook signing secret (whsec_…)"))
  .max(10);

const KeysSchema = z.strictObject({
  testSecretKey: stripeKey("test").optional(),
  liveSecretKey: stripeKey("live").optional(),
  testWebhookSecrets: webhookSecrets.optional(),
  liveWebhookSecrets: webhookSecrets.optional(),
});

const LOCAL_HOSTS = ["localhost", "127.0.0.1"];

/** An https origin, or http on this machine (development). Paths and queries are mistakes. */
const returnOrigin = z.string().transform((value, ctx) => {
  try {
    const url = new URL(value);
    const local = url.protocol === "http:" && LOCAL_HOSTS.includes(url.hostname);
    const bare = url.pathname === "/" && !url.search && !url.hash && !url.username;
    if ((url.protocol === "https:" || local) && bare) return url.origin;
  } catch {
    // Reported below.
  }
  ctx.addIssue({
    code: "custom",
    message: `"${value}" is not an https origin (or http://localhost, http://127.0.0.1)`,
  });
  return z.NEVER;
});

const jwt = z
  .strictObject({
    issuer: z.string().min(1).optional(),
    audience: z.string().min(1).optional(),
    secret: z.string().min(32, "must be at least 32 characters").optional(),
    jwksUrl: z.url({ protocol: /^https?$/ }).optional(),
  })
  .superRefine((value, ctx) => {
    if (Boolean(value.secret) === Boolean(value.jwksUrl))
      ctx.addIssue({ code: "custom", path: ["secret"], message: "give either secret or jwksUrl" });
    if (value.jwksUrl && (!value.issuer || !value.audience))
      ctx.addIssue({
        code: "custom",
        path: ["jwksUrl"],
        message: "issuer and audience are required with a JWKS URL",
      });
  });

const ConfigSchema = z.strictObject({
  billing: z.unknown().optional(),
  returnOrigins: z.array(returnOrigin).max(50).optional(),
  rateLimits: z
    .strictObject(Object.fromEntries(RATE_LIMIT_NAMES.map((name) => [name, rateLimit.optional()])))
    .optional(),
  jwt: jwt.nullable().optional(),
});

export function parseProjectId(value: string): string {
  const id = UUID.test(value) ? value.toLowerCase() : value;
  if (!PROJECT_ID.test(id))
    throw validationError([
      {
        path: ["id"],
        message: `"${value}" is not a project id: lower-case letters, digits and -, at most 40, or a uuid`,
      },
    ]);
  return id;
}

export function parseProjectName(value: string): string {
  const name = value.trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters.
  if (name.length === 0 || name.length > 200 || /[\u0000-\u001f\u007f]/.test(name))
    throw validationError([{ path: ["name"], message: "give a name of 1 to 200 characters" }]);
  return name;
}

export function parseProjectKeys(input: ProjectKeysInput) {
  return parseWith(KeysSchema, input);
}

export interface ParsedProjectConfig {
  billing?: unknown;
  returnOrigins?: string[];
  rateLimits?: ProjectRateLimits;
  jwt?: { settings: ProjectJwtSettings; secret: string | undefined } | null;
}

/** Every problem at once: the billing file's and the other fields'. */
export function parseProjectConfig(input: ProjectConfigInput): ParsedProjectConfig {
  const parsed = ConfigSchema.safeParse(input);
  const billingIssues = input.billing == null ? [] : billingProblems(input.billing);
  const issues = [...(parsed.success ? [] : issuesOf(parsed.error)), ...billingIssues];
  if (!parsed.success || issues.length > 0) throw validationError(issues);
  const config = parsed.data;
  const result: ParsedProjectConfig = {};
  // The file as given (null: none); defaults are applied when it is read.
  if (config.billing !== undefined) result.billing = config.billing;
  if (config.returnOrigins) result.returnOrigins = [...new Set(config.returnOrigins)];
  if (config.rateLimits) result.rateLimits = config.rateLimits as ProjectRateLimits;
  if (config.jwt !== undefined) result.jwt = config.jwt && splitJwt(config.jwt);
  return result;
}

function splitJwt(value: z.output<typeof jwt>) {
  const claims = {
    ...(value.issuer ? { issuer: value.issuer } : {}),
    ...(value.audience ? { audience: value.audience } : {}),
  };
  const settings: ProjectJwtSettings = value.jwksUrl
    ? {
        kind: "jwks",
        jwksUrl: value.jwksUrl,
        issuer: value.issuer ?? "",
        audience: value.audience ?? "",
      }
    : { kind: "secret", ...claims };
  return { settings, secret: value.secret };
}

function billingProblems(billing: unknown): FieldIssue[] {
  try {
    parseBillingConfig(billing, "billing");
    return [];
  } catch (error) {
    if (!(error instanceof BillingConfigError)) throw error;
    return error.problems.map((problem) => ({ path: ["billing"], message: `billing: ${problem}` }));
  }
}

function issuesOf(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map((part) => (typeof part === "number" ? part : String(part))),
    message: `${formatJsonPath(issue.path)}: ${issue.message}`,
  }));
}

function parseWith<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw validationError(issuesOf(parsed.error));
}

/** Whether a value is a project id as stored (the router's check on a token's claim). */
export function isProjectId(value: string): boolean {
  return PROJECT_ID.test(value);
}
