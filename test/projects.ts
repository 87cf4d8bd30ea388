import { SignJWT } from "jose";
import { expect } from "vitest";
import { linkBillingCustomer } from "../src/db/billing-customers.js";
import { userSubjectId } from "../src/db/subjects.js";
import type { ProjectService } from "../src/projects/project-service.js";
import { newStripeKeys, saveDefaultPortalConfiguration } from "./emulator-process.js";
import { emulatorSdk, type TestPortico } from "./portico.js";

/** A project as the tests drive it: its Stripe account, its JWT secret, its app's origin. */
export interface TestProject {
  id: string;
  keys: { test: string; live?: string };
  jwtSecret: string;
  webhookSecrets: { test: string; live: string };
  origin: string;
  customerId: string;
  organizationId: string;
  userId: string;
}

/** The same user id in every project's app: they must still be different users. */
export const PROJECT_SUBJECT = "user-42";

/** A project's end-user token: `project_id` names the project, its JWT secret signs. */
export function projectToken(
  project: Pick<TestProject, "id" | "jwtSecret">,
  claims: { project_id?: string; secret?: string } = {},
) {
  return new SignJWT({ project_id: claims.project_id ?? project.id })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(PROJECT_SUBJECT)
    .setIssuer(`https://${project.id}.example`)
    .setAudience("portico")
    .setExpirationTime("5m")
    .sign(new TextEncoder().encode(claims.secret ?? project.jwtSecret));
}

/**
 * Creates a project on its own emulator account (a live key too unless `live: false`), with
 * JWT sign-in, a return origin and a saved portal; then its user, their linked customer and
 * an organization, through the project's own routes.
 */
export async function createTestProject(
  t: TestPortico,
  id: string,
  options: { port: number; live?: boolean; service?: ProjectService; origin?: string },
): Promise<TestProject> {
  const service = options.service ?? t.portico.projects?.service;
  if (!service) throw new Error("the server hosts no projects");
  const stripeKeys = newStripeKeys();
  const keys: TestProject["keys"] = options.live === false ? { test: stripeKeys.test } : stripeKeys;
  const jwtSecret = `jwt-secret-of-${id}-${stripeKeys.test.slice(-24)}`;
  const webhookSecrets = {
    test: `whsec_${id}test${options.port}`,
    live: `whsec_${id}live${options.port}`,
  };
  const origin = options.origin ?? `http://localhost:${options.port}`;
  await service.create({ id, name: id.toUpperCase() });
  await service.setKeys(id, {
    testSecretKey: keys.test,
    ...(keys.live ? { liveSecretKey: keys.live } : {}),
    testWebhookSecrets: [webhookSecrets.test],
    liveWebhookSecrets: [webhookSecrets.live],
  });
  await service.setConfig(id, {
    returnOrigins: [origin],
    jwt: { secret: jwtSecret, issuer: `https://${id}.example`, audience: "portico" },
  });
  for (const key of Object.values(keys)) await saveDefaultPortalConfiguration(t.emulatorUrl, key);

  const token = await projectToken({ id, jwtSecret });
  const me = await callAs(t, "/api/auth/me", token);
  expect(me.status).toBe(200);
  const { user } = ((await me.json()) as { data: { user: { id: string } } }).data;
  const customer = await emulatorSdk(keys.test, t.emulatorUrl).customers.create({
    metadata: { portico_user_id: user.id },
  });
  const runtime = await t.portico.projects?.runtimes.get(id);
  if (!runtime) throw new Error(`project ${id} did not start`);
  await linkBillingCustomer(runtime.core.database.db, userSubjectId(user.id), false, customer.id);
  const organization = await callAs(t, "/api/organizations", token, {
    body: { name: `${id} team` },
  });
  expect(organization.status).toBe(201);
  const organizationId = ((await organization.json()) as { data: { id: string } }).data.id;
  return {
    id,
    keys,
    jwtSecret,
    webhookSecrets,
    origin,
    customerId: customer.id,
    organizationId,
    userId: user.id,
  };
}

/** A JSON request with a bearer token; POST when there is a body. */
export function callAs(
  t: TestPortico,
  path: string,
  token: string,
  init: { method?: string; body?: unknown } = {},
) {
  return fetch(`${t.url}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
}

/** The API requests each key made at the emulator since its count was last reset. */
export async function emulatorRequestCount(emulatorUrl: string, key: string): Promise<number> {
  const response = await fetch(`${emulatorUrl}/_emulator/requests`, {
    headers: { authorization: `Bearer ${key}` },
  });
  return ((await response.json()) as { total: number }).total;
}

export async function resetEmulatorRequestCount(emulatorUrl: string, key: string) {
  await fetch(`${emulatorUrl}/_emulator/requests`, {
    method: "DELETE",
    headers: { authorization: `Bearer ${key}` },
  });
}

export const V1_PORTAL = "/api/v1/payments/stripe/customer-portal";
