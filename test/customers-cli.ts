import { registerCustomersCommand } from "../src/cli/customers.js";
import { runCommandInProcess } from "./cli-in-process.js";
import type { TestPortico } from "./portico.js";

/** Runs `portico customers …` in-process against the test server's database and Stripe. */
export function runCustomersCli(t: TestPortico, ...args: string[]) {
  return runCommandInProcess(t, registerCustomersCommand, "customers", ...args);
}
