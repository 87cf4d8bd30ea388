// Run inside a fresh folder where the packed tarball is installed: imports every subpath
// export by the package's name and serves one request through each, as an app would.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import express from "express";
import { Hono } from "hono";
import { createPortico, PorticoError } from "portico";
import { toExpressHandler } from "portico/express";
import { toHonoHandler } from "portico/hono";
import { redirectToPortal, toNextHandlers } from "portico/next";
import { toNodeListener } from "portico/node";

const portico = createPortico({
  identify: () => ({ id: "packed-user", email: "packed@example.com" }),
  // The embedded PostgreSQL, from the binaries the install brought: started here, stopped at close().
  database: "./portico-data",
  migrate: true,
  stripe: { testSecretKey: "sk_test_packed", apiBase: "http://127.0.0.1:9" },
  billing: {
    plans: [{ key: "free", name: "Free", features: [], entitlements: {} }],
    portal_configurations: [],
  },
  env: { LOG_LEVEL: "silent" },
});
await portico.ready();
const planKeys = async (response) => {
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()).data.plans.map((plan) => plan.key);
};
const planUrl = (origin) => `${origin}/api/billing/plans`;

async function overHttp(listener) {
  const server = createServer(listener);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    return await planKeys(await fetch(planUrl(`http://127.0.0.1:${server.address().port}`)));
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

const results = {
  ".": await planKeys(await portico.handler(new Request(planUrl("http://app.test")))),
  "./node": await overHttp(toNodeListener(portico)),
  "./express": await overHttp(express().use(toExpressHandler(portico))),
  "./hono": await planKeys(
    await new Hono()
      .all("/api/billing/*", toHonoHandler(portico))
      .request(planUrl("http://app.test")),
  ),
  "./next": await planKeys(
    await toNextHandlers(portico).GET(new Request(planUrl("http://app.test"))),
  ),
};
// The server-action helper reaches Portico (no customer yet: its 404) before any redirect.
await assert.rejects(
  redirectToPortal(portico, { userId: "packed-user", returnUrl: "http://localhost:3000/" }),
  (error) => error instanceof PorticoError && error.code === "NOT_FOUND",
);
await portico.close();
console.log(JSON.stringify(results));
