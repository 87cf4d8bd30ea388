import { registerCustomersCommand } from "../src/cli/customers.js";
import { runCommandInProcess } from "./cli-in-process.js";
import type { TestPortico } from "./portico.js";

/** Runs `portico customers …` in-process against the test server's database and Stripe. */
export function runCustomersCli(t: TestPortico, ...args: string[]) {
  return runCommandInProcess(t, registerCustomersCommand, "customers", ...args);
}

/** A user's bearer-token GET or POST on the server. */
export function callAs(t: TestPortico, token: string, path: string, body?: unknown) {
  return fetch(`${t.url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}
