import { type Config, ConfigError, loadConfig } from "../config.js";

/** The single place the process environment is read. A bad configuration exits 1. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
