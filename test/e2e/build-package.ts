// @ts-expect-error: a JavaScript module of the repository's bin/, without types.
import { buildIfStale } from "../../bin/build-if-stale.js";

/**
 * The examples import Portico by name, from its compiled dist/: built once before any file
 * runs, so no test rebuilds it under another test's running app.
 */
export default function setup() {
  buildIfStale();
}
