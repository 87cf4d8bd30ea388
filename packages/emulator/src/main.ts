import { readEmulatorFlags } from "./cli-flags.js";
import { startEmulator } from "./server.js";

/** The emulator is its own program: it alone reads its flags and environment, here. */
function readPort(argv: readonly string[], env: NodeJS.ProcessEnv): number {
  const flagIndex = argv.findIndex((arg) => arg === "--port" || arg.startsWith("--port="));
  const flag =
    flagIndex < 0
      ? undefined
      : argv[flagIndex]?.includes("=")
        ? argv[flagIndex]?.split("=")[1]
        : argv[flagIndex + 1];
  const raw = flag ?? env.STRIPE_EMULATOR_PORT ?? "12111";
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`Invalid port: ${raw}`);
  }
  return port;
}

/** `--portal-session-ttl <seconds>`: how long portal session URLs stay usable. */
function readPortalSessionTtl(argv: readonly string[]): number | undefined {
  const index = argv.findIndex(
    (arg) => arg === "--portal-session-ttl" || arg.startsWith("--portal-session-ttl="),
  );
  if (index < 0) return undefined;
  const arg = argv[index] ?? "";
  const raw = arg.includes("=") ? arg.split("=")[1] : argv[index + 1];
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw new Error(`Invalid --portal-session-ttl: ${raw}`);
  }
  return seconds;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const flags = readEmulatorFlags(argv, process.env);
  const emulator = await startEmulator({
    port: readPort(argv, process.env),
    portalSessionTtlSeconds: readPortalSessionTtl(argv),
    ...flags,
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  // A supervisor that starts it with a pipe on stdin (as `portico start` does) may die
  // without stopping it, even by SIGKILL: the pipe then ends, and the emulator stops too,
  // rather than outlive it holding the port the next start needs.
  if (argv.includes("--stop-with-stdin")) {
    process.stdin.once("end", stop);
    process.stdin.once("error", stop);
    process.stdin.resume();
  }
  // A secret the caller gave is theirs already; echoing it would only copy it into logs.
  if (emulator.webhookSecret && !flags.startupWebhook?.secret) {
    console.log(`Webhook signing secret for --webhook-url: ${emulator.webhookSecret}`);
  }
  // Announce only once the signal handlers are in place: supervisors read this line as "ready".
  console.log(`Stripe emulator listening on ${emulator.url}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
