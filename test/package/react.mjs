// Run inside the fresh folder where @portico/react's tarball is installed: imports it by
// name under Node, as server rendering does (no window), and renders its components.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { BillingSettings, ManageBillingButton, PorticoProvider } from "@portico/react";
import { createElement as h } from "react";
import { renderToString } from "react-dom/server";

assert.equal(typeof globalThis.window, "undefined");
const html = renderToString(
  h(PorticoProvider, { basePath: "/api/billing" }, h(BillingSettings), h(ManageBillingButton)),
);
assert.match(html, /action="\/api\/billing\/portal"/);
assert.ok(existsSync(fileURLToPath(import.meta.resolve("@portico/react/styles.css"))));
console.log(JSON.stringify({ rendered: html.includes("portico-manage-billing") }));
