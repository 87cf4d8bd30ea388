#!/usr/bin/env node
// The Stripe emulator on its own (`npm run emulator`), compiled like the CLI.
import { buildIfStale } from "./build-if-stale.js";

buildIfStale();
await import("../emulator/dist/main.js");
