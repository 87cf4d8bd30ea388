import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

/**
 * The package's weight in a host app's bundle: minified, gzipped, with React left to the
 * host. A settings page that only opens the portal must stay small.
 */
async function gzippedKb(entry: string): Promise<number> {
  const result = await build({
    stdin: { contents: entry, resolveDir: import.meta.dirname, loader: "ts" },
    bundle: true,
    minify: true,
    format: "esm",
    write: false,
    jsx: "automatic",
    external: ["react", "react-dom", "react/jsx-runtime"],
    logLevel: "silent",
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  return gzipSync(code).length / 1024;
}

describe("bundle size", () => {
  it("stays within budget for the portal button and for the whole package", async () => {
    const minimal = await gzippedKb(
      `export { PorticoProvider, useSubscription, ManageBillingButton } from "./index.ts";`,
    );
    const whole = await gzippedKb(`export * from "./index.ts";`);
    console.log(
      `@portico/react gzip: minimal ${minimal.toFixed(2)} KB, whole ${whole.toFixed(2)} KB`,
    );
    expect(minimal).toBeLessThanOrEqual(12);
    expect(whole).toBeLessThanOrEqual(25);
  });
});
