/**
 * The "PGlite tuned" variant of `npm run bench:embedded-db`, without changing Portico: loaded
 * with `node --import` (through NODE_OPTIONS, so only into `portico start`, not npm or the
 * emulator), it wraps `PGlite.create` to add the options in BENCH_PGLITE_OPTIONS (JSON) and
 * BENCH_PGLITE_SETTINGS (`name=value` lines, added to PGlite's own start parameters), and to
 * load a new data directory from the initdb template in BENCH_PGLITE_TEMPLATE instead of
 * running initdb. Adopting the same options is a change to `openPglite` in src/db/pglite.ts.
 */
import { existsSync, readFileSync } from "node:fs";

if (process.argv[1]?.endsWith("bin/portico.js")) {
  const { PGlite } = await import("@electric-sql/pglite");
  const options = JSON.parse(process.env.BENCH_PGLITE_OPTIONS ?? "{}");
  const settings = (process.env.BENCH_PGLITE_SETTINGS ?? "").split("\n").filter(Boolean);
  const template = process.env.BENCH_PGLITE_TEMPLATE;
  const create = PGlite.create.bind(PGlite);
  PGlite.create = (dataDir, more) => {
    const fresh =
      typeof dataDir === "string" && !dataDir.startsWith("memory://") && !existsSync(dataDir);
    return create(dataDir, {
      ...options,
      startParams: [...PGlite.defaultStartParams, ...settings.flatMap((s) => ["-c", s])],
      ...(fresh && template ? { loadDataDir: new Blob([readFileSync(template)]) } : {}),
      ...more,
    });
  };
}
