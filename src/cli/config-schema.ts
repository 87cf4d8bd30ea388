import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { createBillingConfigJsonSchema } from "../billing/billing-config-schema.js";

/** `npm run config:schema`: regenerates the committed JSON Schema of portico.config.json. */

export const SCHEMA_FILE = fileURLToPath(
  new URL("../../portico.config.schema.json", import.meta.url),
);

export function renderBillingConfigJsonSchema(): string {
  return `${JSON.stringify(createBillingConfigJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await writeFile(SCHEMA_FILE, renderBillingConfigJsonSchema());
  console.log(`wrote ${SCHEMA_FILE}`);
}
