import { cleanup } from "@testing-library/react";
import { afterEach, beforeEach, vi } from "vitest";

/**
 * For a component test that leaves the page: each test starts on /settings/billing, and
 * `window.location.assign` is a spy that goes nowhere. Returns a getter for the spy.
 */
export function stubNavigation(): () => ReturnType<typeof vi.spyOn> {
  let assign: ReturnType<typeof vi.spyOn> | undefined;
  beforeEach(() => {
    window.history.replaceState(null, "", "/settings/billing");
    assign = vi.spyOn(window.location, "assign").mockImplementation(() => undefined);
  });
  afterEach(() => {
    cleanup();
    vi.restoreAllMocks();
  });
  return () => {
    if (!assign) throw new Error("stubNavigation's spy is set in beforeEach");
    return assign;
  };
}
