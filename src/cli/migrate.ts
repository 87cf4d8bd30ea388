import { databaseOptions, openDatabase } from "../db/client.js";
import { loadConfigOrExit } from "./load-config.js";

export async function runMigrate(): Promise<void> {
  const config = loadConfigOrExit();
  const database = await openDatabase(databaseOptions(config));
  try {
    await database.migrate();
    console.log("Migrations applied.");
  } finally {
    await database.close();
  }
}
