#!/usr/bin/env node
// The `portico` CLI runs compiled JavaScript (dist/), never TypeScript at runtime.
import { buildIfStale } from "./build-if-stale.js";

buildIfStale();
await import("../dist/cli/main.js");
