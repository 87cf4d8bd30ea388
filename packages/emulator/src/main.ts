import { readEmulatorCommand, USAGE, UsageError } from "./cli-flags.js";
import { startEmulator } from "./server.js";

async function main(): Promise<void> {
  // The emulator is its own program: it alone reads its flags and environment, here.
  const command = readEmulatorCommand(process.argv.slice(2), process.env);
  if (command.help) {
    process.stdout.write(USAGE);
    return;
  }
  const emulator = await startEmulator(command.options);
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
  if (command.stopWithStdin) {
    process.stdin.once("end", stop);
    process.stdin.once("error", stop);
    process.stdin.resume();
  }
  // A secret the caller gave is theirs already; echoing it would only copy it into logs.
  if (emulator.webhookSecret && !command.options.startupWebhook?.secret) {
    console.log(`Webhook signing secret for --webhook-url: ${emulator.webhookSecret}`);
  }
  // Announce only once the signal handlers are in place: supervisors read this line as "ready".
  console.log(`Stripe emulator listening on ${emulator.url}`);
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`stripe-emulator: ${error.message} (see --help)`);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
