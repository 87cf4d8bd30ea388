import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";

/** The budget, checked on the build test/global-setup.ts makes before every run. */
const JS_BUDGET_GZIP_BYTES = 100 * 1024;

const ASSETS = fileURLToPath(new URL("dist/assets", import.meta.url));

const gzippedSize = (file: string) => gzipSync(readFileSync(join(ASSETS, file))).byteLength;

describe("the web app's production build", () => {
  it(`ships at most ${JS_BUDGET_GZIP_BYTES / 1024} KB of JavaScript, gzipped`, () => {
    const scripts = readdirSync(ASSETS).filter((file) => file.endsWith(".js"));
    expect(scripts.length).toBeGreaterThan(0);
    const total = scripts.reduce((sum, file) => sum + gzippedSize(file), 0);
    console.info(`web/dist JavaScript: ${(total / 1024).toFixed(1)} KB gzip`);
    expect(total).toBeLessThanOrEqual(JS_BUDGET_GZIP_BYTES);
  });
});
