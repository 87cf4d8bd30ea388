import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { portInUseError } from "./port-in-use.js";

/**
 * Runs the Stripe emulator as its own program beside Portico (the same process
 * group, so Ctrl-C reaches both; and it stops when Portico's end of its stdin closes, so it
 * never outlives a Portico killed outright). Portico never imports the emulator's code.
 */

/**
 * The emulator is its own package (`@portico/stripe-emulator`), a development dependency:
 * an installed Portico runs without it once Stripe keys are set. Compiled Portico (dist/)
 * runs the compiled emulator with plain Node; from TypeScript source (tests, `npm run dev`)
 * it runs the emulator's source through tsx, a dev tool.
 */
function emulatorCommand(): string[] {
  let packageJson: string;
  try {
    packageJson = createRequire(import.meta.url).resolve("@portico/stripe-emulator/package.json");
  } catch {
    throw new Error(
      "No Stripe key is configured and the Stripe emulator is not installed. Set STRIPE_TEST_SECRET_KEY (see the README), or run `npm install --save-dev @portico/stripe-emulator` to work offline.",
    );
  }
  const root = dirname(packageJson);
  return import.meta.url.endsWith(".js")
    ? [join(root, "dist", "main.js")]
    : ["--import", "tsx", join(root, "src", "main.ts")];
}
const READY_LINE = /listening on (http:\/\/\S+)/;

export interface EmbeddedEmulator {
  url: string;
  stop(): Promise<void>;
}

export function startEmbeddedEmulator(options: {
  port: number;
  stateFile?: string;
  /**
   * An endpoint for every event of `account`, signed with the secret in `secretFile`: a
   * path, never the secret, goes on the command line, which `ps` shows to every user.
   */
  webhook?: { url: string; secretFile: string; account: string };
}): Promise<EmbeddedEmulator> {
  // Its stdin is a pipe from this process: if this process dies, the emulator stops too.
  const args = [...emulatorCommand(), "--port", String(options.port), "--stop-with-stdin"];
  if (options.stateFile) args.push("--state-file", options.stateFile);
  if (options.webhook) {
    const { url, secretFile, account } = options.webhook;
    args.push("--webhook-url", url, "--webhook-secret-file", secretFile);
    args.push("--webhook-account", account);
  }
  const child = spawn(process.execPath, args, { stdio: ["pipe", "pipe", "pipe"] });

  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = READY_LINE.exec(output);
      if (match?.[1]) {
        child.stdout?.off("data", onData);
        resolve({ url: match[1], stop: () => stopChild(child) });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("exit", (code) =>
      reject(
        output.includes("EADDRINUSE")
          ? portInUseError("The Stripe emulator's port", {
              port: options.port,
              host: "127.0.0.1",
              variable: "STRIPE_EMULATOR_PORT",
            })
          : new Error(`Stripe emulator exited (${code}) before it was ready:\n${output.trim()}`),
      ),
    );
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/**
 * Models "save your portal settings in the Dashboard" on the emulator; without an
 * id the emulator saves its own default settings.
 */
export async function saveEmulatorDefaultPortal(
  url: string,
  key: string,
  configurationId: string | undefined,
) {
  const response = await fetch(new URL("/_emulator/portal/default", url), {
    method: "POST",
    headers: {
      authorization: `Bearer ${key}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: configurationId ? new URLSearchParams({ configuration: configurationId }) : "",
  });
  if (!response.ok)
    throw new Error(`emulator refused the default portal configuration (${response.status})`);
}
