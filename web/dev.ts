import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createServer } from "vite";

/**
 * `npm run dev`: Portico in watch mode and Vite's dev server (hot reload) in front of it,
 * stopped together by one Ctrl-C. Open the Vite URL; it proxies the API to Portico.
 */

const WEB_ROOT = fileURLToPath(new URL(".", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
const VITE_PORT = Number(process.env.WEB_DEV_PORT ?? 5173);
const porticoPort = process.env.PORT ?? "3000";
const webOrigin = `http://localhost:${VITE_PORT}`;

const tsx = fileURLToPath(new URL("../node_modules/.bin/tsx", import.meta.url));
const portico = spawn(tsx, ["watch", "src/cli/main.ts", "start", "--no-web-build"], {
  cwd: REPO_ROOT,
  stdio: "inherit",
  env: {
    ...process.env,
    NODE_ENV: "development",
    // The page lives on Vite's origin: return URLs and the no-JS form's Origin are there.
    APP_URL: process.env.APP_URL ?? webOrigin,
  },
});

process.env.PORTICO_DEV_URL = `http://127.0.0.1:${porticoPort}`;
const vite = await createServer({
  root: WEB_ROOT,
  configFile: `${WEB_ROOT}vite.config.ts`,
  server: { port: VITE_PORT },
});
await vite.listen();
console.log(`\nWeb app (hot reload): ${webOrigin}/settings/billing\n`);

let stopping = false;
const stop = async (code = 0) => {
  if (stopping) return;
  stopping = true;
  portico.kill("SIGTERM");
  await vite.close();
  process.exit(code);
};
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());
portico.once("exit", (code) => void stop(code ?? 1));
