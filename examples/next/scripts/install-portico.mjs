// In this repository only: puts Portico's compiled package into node_modules/portico as a
// real folder, the way `npm install portico` would. The workspace link npm makes instead
// points at the repository root, outside any node_modules, and Turbopack bundles such a
// package despite `serverExternalPackages` (vercel/next.js#84388), which breaks Portico's
// migrations lookup. Run after `npm run build` at the root; `npm run build` here does.
import { cpSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const target = fileURLToPath(new URL("../node_modules/portico/", import.meta.url));

rmSync(target, { recursive: true, force: true });
for (const entry of ["package.json", "dist", "drizzle"]) {
  cpSync(`${root}${entry}`, `${target}${entry}`, {
    recursive: true,
    filter: (source) => !/\.(tsbuildinfo|built)$/.test(source),
  });
}
