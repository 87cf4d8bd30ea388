import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const REPOSITORY = fileURLToPath(new URL("../..", import.meta.url));
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

async function run(command: string, args: string[], cwd: string): Promise<string> {
  const { stdout } = await promisify(execFile)(command, args, { cwd, maxBuffer: 32 << 20 });
  return stdout;
}

/** Packs one workspace (the root when undefined) into `folder`; its prepack builds it. */
async function pack(folder: string, workspace?: string): Promise<string> {
  const args = ["pack", "--silent", "--pack-destination", folder];
  const packed = await run("npm", workspace ? [...args, "-w", workspace] : args, REPOSITORY);
  return join(folder, packed.trim().split("\n").at(-1) ?? "");
}

/**
 * The packages as a user gets them: `npm pack` (prepack builds), installed from the tarballs
 * into a fresh folder with the frameworks beside them, then every subpath export imported by
 * name, type-checked, and run. A broken `exports` map or a file left out of `files` fails here.
 */
describe("the packed portico and @portico/react packages", () => {
  let folder: string;
  let app: string;
  let tarball: string;
  let reactTarball: string;
  // Packing builds dist/ and the web app; installing brings Next.js (about 450 MB from npm's cache).
  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), "portico-pack-"));
    tarball = await pack(folder);
    reactTarball = await pack(folder, "@portico/react");
    app = join(folder, "app");
    mkdirSync(app);
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify({ name: "packed-app", private: true, type: "module" }),
    );
    await run(
      "npm",
      [
        "install",
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        tarball,
        reactTarball,
        "express@^5",
        "hono@^4",
        "next@^16",
        "react@^19",
        "react-dom@^19",
      ],
      app,
    );
  }, 300_000);
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("ships compiled code, migrations and the web app, and no sources, tests or maps", async () => {
    const files = (await run("tar", ["-tzf", tarball], folder)).split("\n");
    expect(files).toContain("package/dist/index.js");
    expect(files).toContain("package/dist/index.d.ts");
    expect(files).toContain("package/drizzle/meta/_journal.json");
    expect(files).toContain("package/web/dist/index.html");
    expect(files).toContain("package/emulator/dist/main.js");
    const unwanted = /\.map$|\.test\.|tsbuildinfo|\.built$|^package\/(src|test)\//;
    expect(files.filter((file) => unwanted.test(file))).toEqual([]);
  });

  it("serves a request through every subpath export", async () => {
    copyFileSync(here("subpaths.mjs"), join(app, "subpaths.mjs"));
    const output = (await run("node", ["subpaths.mjs"], app)).trim().split("\n").at(-1) ?? "";
    expect(JSON.parse(output)).toEqual({
      ".": ["free"],
      "./node": ["free"],
      "./express": ["free"],
      "./hono": ["free"],
      "./next": ["free"],
    });
  });

  it("type-checks an app against its declarations", async () => {
    copyFileSync(here("types.ts"), join(app, "types.ts"));
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2022",
          lib: ["es2023", "dom"],
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        files: ["types.ts"],
      }),
    );
    const tsc = join(REPOSITORY, "node_modules/typescript/bin/tsc");
    await expect(run("node", [tsc, "-p", "tsconfig.json"], app)).resolves.toBe("");
  });

  it("renders @portico/react on the server, imported by name, with its stylesheet", async () => {
    copyFileSync(here("react.mjs"), join(app, "react.mjs"));
    const output = (await run("node", ["react.mjs"], app)).trim().split("\n").at(-1) ?? "";
    expect(JSON.parse(output)).toEqual({ rendered: true });
    const files = (await run("tar", ["-tzf", reactTarball], folder)).split("\n");
    expect(files).toContain("package/dist/index.d.ts");
    expect(files.filter((file) => /\.test\.|^package\/src\//.test(file))).toEqual([]);
  });

  it("runs the standalone CLI from the installed package", async () => {
    const help = await run("node", ["node_modules/portico/bin/portico.js", "--help"], app);
    expect(help).toContain("Usage: portico");
  });
});
