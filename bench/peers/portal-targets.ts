import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { linkBillingCustomer } from "../../src/db/billing-customers.js";
import { databaseOptions, openDatabase } from "../../src/db/client.js";
import { userSubjectId } from "../../src/db/subjects.js";
import type { emulatorSdk } from "../../test/emulator-process.js";
import { type LoadResult, runPaced, saturate } from "../load.js";
import { readCpuMs, startPorticoProcess, stopProcess } from "../portico-process.js";
import { createDatabase, withClient } from "./postgres.js";
import { freePort, startPeerServer } from "./processes.js";

/**
 * The root's stripe SDK (Portico's version), as the emulator helpers build it; bench/peers'
 * own `stripe` is the version Better Auth's plugin accepts, used by the peer servers only.
 */
export type EmulatorStripe = ReturnType<typeof emulatorSdk>;

/** One way of getting a portal session, ready to be loaded. */
export interface PortalTarget {
  name: string;
  /** Whether it uses the database: PostgreSQL's CPU is counted for it only then. */
  usesDatabase: boolean;
  /** CPU (ms) used so far by the process that does this target's work. */
  cpuMs(): number;
  saturate(duration: number): Promise<LoadResult>;
  paced(rate: number, duration: number): Promise<LoadResult>;
  stop(): Promise<void>;
}

export interface PortalSetup {
  admin: string;
  emulatorUrl: string;
  key: string;
  /** The emulator's account, through Portico's own SDK version (fixtures, direct calls). */
  stripe: EmulatorStripe;
  users: number;
  connections: number;
}

/** A setup step after the server started: if it fails, the server and its database go too. */
async function undoOnFailure<T>(undo: () => Promise<void>, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    await undo();
    throw error;
  }
}

/** A target behind HTTP: autocannon at saturation, fetch for the paced rows. */
function httpTarget(
  name: string,
  url: string,
  body: string,
  headers: Record<string, string>[],
  cpuMs: () => number,
  connections: number,
  stop: () => Promise<void>,
  usesDatabase = true,
): PortalTarget {
  const calls = headers.map((own) => async () => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...own },
      body,
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`status ${response.status}`);
    return /"url":"(http[^"]*)"/.exec(text)?.[1];
  });
  return {
    name,
    usesDatabase,
    cpuMs,
    saturate: (duration) => saturate({ url, connections, duration, body, headers }),
    paced: (rate, duration) => runPaced(calls, rate, duration),
    stop,
  };
}

/** `POST /api/billing/portal` of `portico start` (compiled), on its own PostgreSQL database. */
export async function startPorticoTarget(setup: PortalSetup): Promise<PortalTarget> {
  const database = await createDatabase(setup.admin, "portico_portal");
  const dataDir = mkdtempSync(join(tmpdir(), "portico-peers-"));
  const port = await freePort();
  const app = `http://127.0.0.1:${port}`;
  const server = await startPorticoProcess({
    port,
    emulatorUrl: setup.emulatorUrl,
    env: {
      DATABASE_URL: database.url,
      PORTICO_DATA_DIR: dataDir,
      STRIPE_TEST_SECRET_KEY: setup.key,
      // The portal endpoint alone: no billing file, no catalog check.
      PORTICO_CONFIG: join(dataDir, "no-billing-config.json"),
      PORTAL_CONFIGURATIONS: "default",
      RATE_LIMIT_PORTAL: "1000000/60s",
      RATE_LIMIT_LOGIN: "1000000/60s",
      RATE_LIMIT_SIGNUP: "1000000/60s",
    },
  }).catch(async (error) => {
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });
  const stop = async () => {
    await stopProcess(server);
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const headers = await undoOnFailure(stop, () =>
    signUpPorticoUsers(setup, app, database.url, dataDir),
  );
  return httpTarget(
    "Portico",
    `${app}/api/billing/portal`,
    JSON.stringify({ returnUrl: `${app}/settings/billing` }),
    headers,
    () => readCpuMs(server),
    setup.connections,
    stop,
  );
}

async function signUpPorticoUsers(
  setup: PortalSetup,
  app: string,
  databaseUrl: string,
  dataDir: string,
) {
  const linked = await openDatabase(databaseOptions({ databaseUrl, dataDir }));
  const headers: Record<string, string>[] = [];
  try {
    for (let i = 0; i < setup.users; i++) {
      const response = await fetch(`${app}/api/auth/signup`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: `portico-${i}@example.com`, password: "benchmark-password" }),
      });
      if (!response.ok) throw new Error(`Portico sign-up: ${response.status}`);
      const { data } = (await response.json()) as { data: { token: string; user: { id: string } } };
      // Checkout would link the customer; the bench links it as checkout does.
      const customer = await setup.stripe.customers.create({
        metadata: { portico_user_id: data.user.id },
      });
      await linkBillingCustomer(linked.db, userSubjectId(data.user.id), false, customer.id);
      headers.push({ authorization: `Bearer ${data.token}` });
    }
  } finally {
    await linked.close();
  }
  return headers;
}

/** Better Auth's `POST /api/auth/subscription/billing-portal`, users signed up through it. */
export async function startBetterAuthTarget(setup: PortalSetup): Promise<PortalTarget> {
  const database = await createDatabase(setup.admin, "better_auth");
  const server = await startPeerServer("better-auth.js", {
    DATABASE_URL: database.url,
    STRIPE_SECRET_KEY: setup.key,
    STRIPE_API_BASE: setup.emulatorUrl,
    STRIPE_WEBHOOK_SECRET: `whsec_${randomBytes(16).toString("hex")}`,
    BETTER_AUTH_SECRET: randomBytes(32).toString("hex"),
  }).catch(async (error) => {
    await database.drop();
    throw error;
  });
  const stop = async () => {
    await server.stop();
    await database.drop();
  };
  const headers = await undoOnFailure(stop, () => signUpBetterAuthUsers(setup, server.url));
  return httpTarget(
    "Better Auth + @better-auth/stripe",
    `${server.url}/api/auth/subscription/billing-portal`,
    JSON.stringify({ returnUrl: "/", disableRedirect: true }),
    headers,
    () => readCpuMs(server.child),
    setup.connections,
    stop,
  );
}

async function signUpBetterAuthUsers(setup: PortalSetup, url: string) {
  const headers: Record<string, string>[] = [];
  for (let i = 0; i < setup.users; i++) {
    const response = await fetch(`${url}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: url },
      body: JSON.stringify({
        email: `better-auth-${i}@example.com`,
        password: "benchmark-password",
        name: `User ${i}`,
      }),
    });
    if (!response.ok) throw new Error(`Better Auth sign-up: ${response.status}`);
    // The session cookie, as a browser would send it back (with the Origin its CSRF check wants).
    const cookie = response.headers
      .getSetCookie()
      .map((set) => set.split(";")[0])
      .join("; ");
    headers.push({ cookie, origin: url });
  }
  return headers;
}

/** The seed Express handler; its users and bearer sessions written straight into its tables. */
export async function startSeedTarget(setup: PortalSetup): Promise<PortalTarget> {
  const database = await createDatabase(setup.admin, "seed");
  const server = await startPeerServer("seed-express.js", {
    DATABASE_URL: database.url,
    STRIPE_SECRET_KEY: setup.key,
    STRIPE_API_BASE: setup.emulatorUrl,
  }).catch(async (error) => {
    await database.drop();
    throw error;
  });
  const stop = async () => {
    await server.stop();
    await database.drop();
  };
  const headers = await undoOnFailure(stop, () => seedUsers(setup, database.url));
  return httpTarget(
    "seed Express handler",
    `${server.url}/api/billing/portal`,
    JSON.stringify({ returnUrl: `${server.url}/settings/billing` }),
    headers,
    () => readCpuMs(server.child),
    setup.connections,
    stop,
  );
}

async function seedUsers(setup: PortalSetup, databaseUrl: string) {
  const headers: Record<string, string>[] = [];
  await withClient(databaseUrl, async (client) => {
    for (let i = 0; i < setup.users; i++) {
      const customer = await setup.stripe.customers.create();
      const token = randomBytes(24).toString("hex");
      await client.query("insert into users (id, email, stripe_customer_id) values ($1, $2, $3)", [
        `user_${i}`,
        `seed-${i}@example.com`,
        customer.id,
      ]);
      await client.query(
        "insert into sessions (token, user_id, expires_at) values ($1, $2, now() + interval '1 day')",
        [token, `user_${i}`],
      );
      headers.push({ authorization: `Bearer ${token}` });
    }
  });
  return headers;
}

/**
 * `stripe.billingPortal.sessions.create` called straight from the bench process, one closed
 * loop per connection: the Stripe call every other row also makes, with nothing around it.
 * Its CPU is the bench process's own while it runs this row alone.
 */
export async function startDirectTarget(setup: PortalSetup): Promise<PortalTarget> {
  const customers: string[] = [];
  for (let i = 0; i < setup.connections; i++) {
    customers.push((await setup.stripe.customers.create()).id);
  }
  const calls = customers.map((customer) => async () => {
    const session = await setup.stripe.billingPortal.sessions.create({
      customer,
      return_url: "http://127.0.0.1/settings/billing",
    });
    return session.url;
  });
  return {
    name: "stripe SDK, direct",
    usesDatabase: false,
    cpuMs: () => {
      const usage = process.cpuUsage();
      return (usage.user + usage.system) / 1000;
    },
    saturate: (duration) => runPaced(calls, 0, duration),
    paced: (rate, duration) => runPaced(calls, rate, duration),
    stop: async () => {},
  };
}

/**
 * The floor of any server in between: `node:http` relaying the body's customer to the same
 * SDK call (`servers/portal-relay.js`), with no authentication, database or audit.
 */
export async function startRelayTarget(setup: PortalSetup): Promise<PortalTarget> {
  const customer = await setup.stripe.customers.create();
  const server = await startPeerServer("portal-relay.js", {
    STRIPE_SECRET_KEY: setup.key,
    STRIPE_API_BASE: setup.emulatorUrl,
  });
  return httpTarget(
    "floor: node:http relay to the SDK call",
    server.url,
    JSON.stringify({ customer: customer.id, returnUrl: `${server.url}/settings/billing` }),
    [{}],
    () => readCpuMs(server.child),
    setup.connections,
    () => server.stop(),
    false,
  );
}
