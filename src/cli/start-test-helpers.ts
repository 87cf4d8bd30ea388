import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { porticoCommand } from "../../test/cli-process.js";
import { freePort } from "../free-port.js";

/** `portico start` as `npm start` runs it, with no Stripe key, for tests of the quick start. */

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

export { freePort };

export interface QuickStartProcess {
  child: ChildProcess;
  output(): string;
  emulatorUrl: string;
  exited: Promise<void>;
  /** SIGTERM, then after 10 s SIGKILL to the whole process group (the emulator too). */
  stop(): Promise<void>;
}

/** `portico start --no-web-build` on `dataDir` and these ports, in its own process group. */
export function spawnQuickStart(dataDir: string, port: number, emulatorPort: number) {
  return spawn(...porticoCommand("start", "--no-web-build"), {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      PORT: String(port),
      PORTICO_DATA_DIR: dataDir,
      STRIPE_EMULATOR_PORT: String(emulatorPort),
    },
    // Its own process group, so that a failed test cannot leave the emulator behind.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/**
 * Starts Portico and its embedded emulator on `dataDir` (on `ports`, else free ones);
 * resolves once it listens.
 */
export async function startQuickStart(
  dataDir: string,
  ports?: { port: number; emulatorPort: number },
): Promise<QuickStartProcess> {
  // Real ports, not 0: the emulator is told where to deliver before Portico listens.
  const emulatorPort = ports?.emulatorPort ?? (await freePort());
  const child = spawnQuickStart(dataDir, ports?.port ?? (await freePort()), emulatorPort);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    }
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {
      // The group is gone already.
    }
  };
  let output = "";
  try {
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("Portico is running on")) resolve();
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      void exited.then(() => reject(new Error(`portico start exited:\n${output}`)));
      setTimeout(() => reject(new Error(`not running after 60 s:\n${output}`)), 60_000);
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    child,
    output: () => output,
    emulatorUrl: `http://127.0.0.1:${emulatorPort}`,
    exited,
    stop,
  };
}
