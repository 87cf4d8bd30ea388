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

export type LoadedConfig = { config: Config } | { problems: string[] };

/** For commands that report a bad configuration instead of exiting on it (`portico doctor`). */
export function loadConfigOrProblems(): LoadedConfig {
  try {
    return { config: loadConfig(process.env) };
  } catch (error) {
    if (error instanceof ConfigError) return { problems: error.problems };
    throw error;
  }
}
