#!/usr/bin/env node
// `npx stripe-emulator --port 12111`: the compiled emulator (`npm run build` makes dist/).
await import("../dist/main.js");
