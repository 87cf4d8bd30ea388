/**
 * Portico embedded in a host app: `createPortico({ identify })` gives a fetch handler for
 * the billing routes and the same operations as server-side calls. Framework adapters are
 * in `portico/next`, `portico/express`, `portico/hono` and `portico/node`.
 */
export type { BillingConfig, BillingConfigInput } from "./billing/billing-config-schema.js";
export { ConfigError, type StripeMode } from "./config.js";
export type { ForUser, PorticoApi } from "./embedded/api.js";
export { createPortico, type Portico } from "./embedded/create-portico.js";
export type { HostBillingChange, OnBillingChange } from "./embedded/host-changes.js";
export type { HostUser, IdentifyHostUser } from "./embedded/host-identity.js";
export type {
  AuthorizeInput,
  AuthorizeSubject,
  DescribeOrganization,
  HostOrganization,
} from "./embedded/host-subjects.js";
export type { PorticoOptions } from "./embedded/options.js";
export { type ErrorCode, PorticoError } from "./errors.js";
