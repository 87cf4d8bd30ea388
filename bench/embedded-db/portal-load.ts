import { emulatorSdk, setEmulatorLatency } from "../../test/emulator-process.js";
import { saturate } from "../load.js";

/**
 * The load the bench puts on a running `npm start`: users with linked Stripe customers, a
 * burst of portal requests at once, and autocannon at one connection per user.
 */

/** The key `portico start` uses against its own emulator (src/cli/start.ts). */
export const EMBEDDED_STRIPE_KEY = "sk_test_porticoEmbedded";

export async function signUpUsers(appUrl: string, count: number) {
  const users: { token: string; id: string }[] = [];
  for (let i = 0; i < count; i++) {
    const response = await fetch(`${appUrl}/api/auth/signup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        email: `bench-${i}-${Date.now()}@example.com`,
        password: "benchmark-password",
      }),
    });
    if (response.status !== 201) throw new Error(`signup answered ${response.status}`);
    const { data } = (await response.json()) as { data: { token: string; user: { id: string } } };
    users.push({ token: data.token, id: data.user.id });
  }
  return users;
}

export async function linkCustomers(
  appUrl: string,
  emulatorUrl: string,
  users: { id: string }[],
  adminToken: string,
) {
  const stripe = emulatorSdk(EMBEDDED_STRIPE_KEY, emulatorUrl);
  for (const user of users) {
    const customer = await stripe.customers.create({ metadata: { portico_user_id: user.id } });
    const response = await fetch(`${appUrl}/api/admin/customers/links`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ subject: `user:${user.id}`, customerId: customer.id, mode: "test" }),
    });
    if (!response.ok) {
      throw new Error(`linking a customer answered ${response.status}: ${await response.text()}`);
    }
  }
}

/**
 * All users ask for a portal session at once while each Stripe call takes `latencyMs`: if
 * requests waited on each other's Stripe calls, the slowest would take about the number of users × `latencyMs`.
 */
export async function measureHeadOfLine(
  appUrl: string,
  emulatorUrl: string,
  users: { token: string }[],
  body: string,
  latencyMs: number,
) {
  await setEmulatorLatency(emulatorUrl, EMBEDDED_STRIPE_KEY, latencyMs);
  let failed = 0;
  try {
    const started = performance.now();
    const latencies = await Promise.all(
      users.map(async (user) => {
        const response = await fetch(`${appUrl}/api/billing/portal`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${user.token}` },
          body,
        });
        const text = await response.text();
        if (response.status !== 200) {
          console.error(`bench:   portal answered ${response.status}: ${text.slice(0, 200)}`);
          failed++;
        }
        return performance.now() - started;
      }),
    );
    latencies.sort((a, b) => a - b);
    return {
      "hol.min": latencies[0] ?? 0,
      "hol.median": latencies[Math.floor(latencies.length / 2)] ?? 0,
      "hol.max": latencies.at(-1) ?? 0,
      "hol.errors": failed,
    };
  } finally {
    await setEmulatorLatency(emulatorUrl, EMBEDDED_STRIPE_KEY, 0);
  }
}

/** autocannon on the portal route at saturation, one connection per user. */
export async function runAutocannon(
  appUrl: string,
  users: { token: string }[],
  body: string,
  duration: number,
) {
  const { requests, p50, p99, errors } = await saturate({
    url: `${appUrl}/api/billing/portal`,
    connections: users.length,
    duration,
    body,
    headers: users.map((user) => ({ authorization: `Bearer ${user.token}` })),
  });
  return { requests, p50, p99, errors };
}
