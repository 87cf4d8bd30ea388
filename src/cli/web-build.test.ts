import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isWebBuildStale } from "./web-build.js";

describe("isWebBuildStale", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "portico-web-build-"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** Writes a file under the fake web/ root with a modification time `minutes` from now. */
  const write = (path: string, minutes: number) => {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, "x");
    const time = new Date(Date.now() + minutes * 60_000);
    utimesSync(file, time, time);
  };

  it("is stale without a build", () => {
    write("src/main.tsx", -10);
    expect(isWebBuildStale(root, [])).toBe(true);
  });

  it("is fresh when the build is newer than every source", () => {
    write("index.html", -30);
    write("src/pages/billing.tsx", -20);
    write("dist/index.html", -10);
    expect(isWebBuildStale(root, [])).toBe(false);
  });

  it("is stale when any source, however deep, changed after the build", () => {
    write("src/main.tsx", -30);
    write("dist/index.html", -10);
    write("src/components/deep/nested/button.tsx", -5);
    expect(isWebBuildStale(root, [])).toBe(true);
  });

  it("counts the config and public files as sources", () => {
    write("dist/index.html", -10);
    write("vite.config.ts", -5);
    expect(isWebBuildStale(root, [])).toBe(true);
    write("vite.config.ts", -20);
    write("public/favicon.svg", -1);
    expect(isWebBuildStale(root, [])).toBe(true);
  });

  it("ignores the build's own output, dependencies and temporary build directories", () => {
    write("src/main.tsx", -30);
    write("dist/index.html", -10);
    write("dist/assets/index-abc.js", -1);
    write("node_modules/react/index.js", -1);
    write(".dist-123-456/index.html", -1);
    expect(isWebBuildStale(root, [])).toBe(false);
  });

  it("is stale when the React package the app is built on changed after the build", () => {
    write("web/src/main.tsx", -30);
    write("web/dist/index.html", -10);
    write("react/src/hooks/use-subscription.ts", -20);
    const web = join(root, "web");
    const reactSource = join(root, "react/src");
    expect(isWebBuildStale(web, [reactSource])).toBe(false);
    write("react/src/hooks/use-subscription.ts", -1);
    expect(isWebBuildStale(web, [])).toBe(false);
    expect(isWebBuildStale(web, [reactSource])).toBe(true);
  });
});
