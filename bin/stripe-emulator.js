#!/usr/bin/env node
// The Stripe emulator on its own (`npm run emulator`) from a checkout of the repository:
// packages/emulator compiled first when stale, like the CLI.
import { buildIfStale } from "./build-if-stale.js";

buildIfStale();
await import("../packages/emulator/dist/main.js");
