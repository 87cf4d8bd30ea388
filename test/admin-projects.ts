import { createHash, randomBytes } from "node:crypto";
import type { TestPortico } from "./portico.js";

/** An admin token for this run, and the environment that configures its hash. */
export const ADMIN_TOKEN = `adm_${randomBytes(24).toString("base64url")}`;

export const ADMIN_ENV = {
  PORTICO_ENCRYPTION_KEY: `k1:${randomBytes(32).toString("base64")}`,
  PORTICO_ADMIN_TOKEN_SHA256: createHash("sha256").update(ADMIN_TOKEN).digest("hex"),
};

/** A call to `/api/admin/projects…`: with the admin token unless `token` says otherwise. */
export function adminRequest(
  t: TestPortico,
  method: string,
  path: string,
  options: { body?: unknown; token?: string | null; headers?: Record<string, string> } = {},
) {
  const token = options.token === undefined ? ADMIN_TOKEN : options.token;
  return fetch(`${t.url}/api/admin/projects${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { "content-type": "application/json" }),
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...options.headers,
    },
    ...(options.body === undefined
      ? {}
      : { body: typeof options.body === "string" ? options.body : JSON.stringify(options.body) }),
  });
}

export interface AdminAnswer {
  status: number;
  /** The body as sent: for checking that no secret is in it. */
  text: string;
  body: {
    success: boolean;
    data?: unknown;
    error?: { code: string; message: string; details?: { path: unknown[]; message: string }[] };
  };
}

export async function readAdmin(response: Response): Promise<AdminAnswer> {
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as AdminAnswer["body"] };
}
