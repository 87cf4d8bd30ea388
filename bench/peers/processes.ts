import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { freePort } from "../../src/free-port.js";
import { stopProcess } from "../portico-process.js";

const SERVERS = fileURLToPath(new URL("./servers/", import.meta.url));

/** A server under test: its own process, so its CPU can be read from /proc. */
export interface ServerProcess {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/**
 * One of `servers/*.js` under plain `node`, in production mode; resolves when it prints
 * "ready" (after its migrations), fails if it exits first.
 */
export async function startPeerServer(
  script: string,
  env: Record<string, string>,
): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [`${SERVERS}${script}`], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, NODE_ENV: "production", PORT: String(port), ...env },
  });
  const exited = once(child, "exit").then(([code]) => {
    throw new Error(`${script} exited with ${code} before it was ready`);
  });
  const ready = new Promise<void>((resolve) => {
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("ready\n")) resolve();
    });
  });
  try {
    await Promise.race([ready, exited]);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  exited.catch(() => {}); // later exits are stop()'s
  return { child, url: `http://127.0.0.1:${port}`, stop: () => stopProcess(child) };
}

export { freePort };
