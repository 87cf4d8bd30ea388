import { ADMIN_ENV, ADMIN_TOKEN, type AdminAnswer, readAdmin } from "./admin-projects.js";
import type { TestPortico } from "./portico.js";

/** The admin token's hash alone: no master key, so no projects. */
export const ADMIN_ONLY_ENV = { PORTICO_ADMIN_TOKEN_SHA256: ADMIN_ENV.PORTICO_ADMIN_TOKEN_SHA256 };

/** A call to `/api/admin/customers…`: with the admin token unless `token` says otherwise. */
export async function adminCustomers(
  t: TestPortico,
  method: string,
  path: string,
  options: { body?: unknown; token?: string | null } = {},
): Promise<AdminAnswer> {
  const token = options.token === undefined ? ADMIN_TOKEN : options.token;
  const response = await fetch(`${t.url}/api/admin/customers${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { "content-type": "application/json" }),
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  return readAdmin(response);
}
