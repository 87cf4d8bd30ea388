import { applyEnvFile, EnvFileError } from "./env-file.js";

// The entry of `portico` (and so `npm start`): `.env` first, then the commands, since a
// module may read the environment as it loads (PORTICO_DB_SCHEMA names the tables' schema).
try {
  applyEnvFile(process.env);
} catch (error) {
  if (!(error instanceof EnvFileError)) throw error;
  console.error(`Invalid .env file: ${error.message}`);
  process.exit(1);
}
await import("./program.js");
