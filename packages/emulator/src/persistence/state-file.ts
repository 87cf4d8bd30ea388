import { existsSync, readFileSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { MiddlewareHandler } from "hono";
import type { Store } from "../store.js";
import { restoreSnapshot, type StateSnapshot, takeSnapshot } from "./state-snapshot.js";

/** Debounce: a burst of requests (a test run, a benchmark) is written once. */
const SAVE_DELAY_MS = 200;

export type StateFile = {
  /** Marks the store changed; it is written shortly after the last change. */
  markChanged(): void;
  /** Writes now if anything changed; resolves once the file is on disk. */
  flush(): Promise<void>;
  close(): Promise<void>;
};

/** Loads the file into the store when it exists. A corrupt file stops startup loudly. */
export function loadStateFile(store: Store, path: string): boolean {
  if (!existsSync(path)) return false;
  const snapshot = JSON.parse(readFileSync(path, "utf8")) as StateSnapshot;
  restoreSnapshot(store, snapshot);
  return true;
}

/** Writes to a temporary file and renames it, so a crash mid-write never truncates state. */
async function writeAtomically(path: string, contents: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, path);
}

export function createStateFile(store: Store, path: string): StateFile {
  let timer: NodeJS.Timeout | undefined;
  let dirty = false;
  // Saves run one after another so an older snapshot never overwrites a newer one.
  let writing: Promise<void> = Promise.resolve();
  const removeListener = store.addEventListener(() => markChanged());

  const save = (): Promise<void> => {
    clearTimeout(timer);
    timer = undefined;
    if (!dirty) return writing;
    dirty = false;
    const contents = JSON.stringify(takeSnapshot(store));
    writing = writing
      .then(() => writeAtomically(path, contents))
      .catch((error: unknown) => console.error("[stripe-emulator] saving state failed", error));
    return writing;
  };

  function markChanged() {
    dirty = true;
    if (!timer) timer = setTimeout(() => void save(), SAVE_DELAY_MS);
  }

  return {
    markChanged,
    flush: save,
    async close() {
      removeListener();
      await save();
    },
  };
}

/** Any request that is not a read may have changed the store (API, control routes, pages). */
export function trackMutations(onChange: () => void): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (c.req.method !== "GET" && c.req.method !== "HEAD") onChange();
  };
}
