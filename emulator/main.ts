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

async function main(): Promise<void> {
  const emulator = await startEmulator({ port: readPort(process.argv.slice(2), process.env) });
  const stop = () => {
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
  // Announce only once the signal handlers are in place: supervisors read this line as "ready".
  console.log(`Stripe emulator listening on ${emulator.url}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
