import { execFile, spawn } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
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
describe("the packed portico, @portico/react and @portico/stripe-emulator packages", () => {
  let folder: string;
  let app: string;
  let tarball: string;
  let reactTarball: string;
  let emulatorTarball: string;
  // Packing builds dist/ and the web app; installing brings Next.js (about 450 MB from npm's cache).
  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), "portico-pack-"));
    // As root the embedded PostgreSQL of subpaths.mjs runs as an unprivileged account.
    chmodSync(folder, 0o755);
    tarball = await pack(folder);
    reactTarball = await pack(folder, "@portico/react");
    emulatorTarball = await pack(folder, "@portico/stripe-emulator");
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
        emulatorTarball,
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
    // The emulator is a package of its own, for development and tests only: Portico ships
    // just the code that spawns it when installed (dist/cli/embedded-emulator.js).
    expect(
      files.filter((file) => /stripe-emulator|^package\/(emulator|packages)\//.test(file)),
    ).toEqual([]);
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

  it("starts the emulator from its installed bin, answering the Stripe API", async () => {
    const files = (await run("tar", ["-tzf", emulatorTarball], folder)).split("\n");
    expect(files).toContain("package/bin/stripe-emulator.js");
    expect(files).toContain("package/dist/main.js");
    expect(files.filter((file) => /\.map$|\.test\.|^package\/src\//.test(file))).toEqual([]);

    const child = spawn(join(app, "node_modules/.bin/stripe-emulator"), ["--port", "0"], {
      cwd: app,
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = "";
        child.stdout.on("data", (chunk: Buffer) => {
          output += chunk.toString();
          const match = /listening on (http:\/\/\S+)/.exec(output);
          if (match?.[1]) resolve(match[1]);
        });
        child.once("exit", (code) => reject(new Error(`exited ${code}: ${output}`)));
      });
      const response = await fetch(`${url}/v1/customers`, {
        method: "POST",
        headers: {
          authorization: "Bearer sk_test_packed",
          "content-type": "application/x-www-form-urlencoded",
        },
        body: "email=packed%40example.com",
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        object: "customer",
        email: "packed@example.com",
      });
    } finally {
      child.kill();
    }
  });

  it("prints the emulator's usage for --help, and refuses an unknown flag without starting", async () => {
    const bin = join(app, "node_modules/.bin/stripe-emulator");
    expect(await run(bin, ["--help"], app)).toContain("Usage: stripe-emulator");
    const refused = await promisify(execFile)(bin, ["--prot", "0"], { cwd: app }).then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(refused).toMatchObject({ code: 2, stdout: "" });
    expect(refused?.stderr.trim()).toBe("stripe-emulator: Unknown option '--prot' (see --help)");
  });

  it("runs the standalone CLI from the installed package", async () => {
    const help = await run("node", ["node_modules/portico/bin/portico.js", "--help"], app);
    expect(help).toContain("Usage: portico");
  });
});
