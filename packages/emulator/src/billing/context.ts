import type { EventOrigin } from "../events.js";
import type { Account, Store } from "../store.js";

/**
 * What billing work needs beyond the account: the store (hosted URLs resolve across
 * accounts), the emulator's origin (for the URLs it hands out) and the request that caused
 * the work, for `event.request`. An `ApiRequest` is one; hosted pages and the clock build one.
 */
export type BillingContext = EventOrigin & { account: Account; store: Store; origin: string };
