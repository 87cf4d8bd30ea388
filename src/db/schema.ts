import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { PORTICO_SCHEMA } from "./schema-name.js";

/**
 * Portico's own schema, so its tables sit beside the host app's without clashing
 * (an app's `users` or `sessions`). Migrations are recorded in it too.
 */
export const portico = pgSchema(PORTICO_SCHEMA);

const createdAt = () =>
  timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * Every table mirrored from Stripe carries the `created` of the last event applied to
 * the row (its watermark: an older event never overwrites it) and when it was written.
 */
const syncColumns = () => ({
  stripeUpdated: at("stripe_updated"),
  syncedAt: at("synced_at").notNull().defaultNow(),
});

export const users = portico.table(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Lower-cased. Null for users known only by an external identity. */
    email: text("email").unique(),
    /** `scrypt$N$r$p$salt$hash`; null for external-identity users. */
    passwordHash: text("password_hash"),
    /**
     * An external identity provider's JWT `iss` (`''` without one) and `sub`, in two
     * columns: joined as `iss|sub`, (`a|b`, `c`) and (`a`, `b|c`) were one user.
     */
    externalIssuer: text("external_issuer"),
    externalSubject: text("external_subject"),
    /**
     * The email of the identity's latest token that carried a usable one. Not `email`:
     * that column is unique and signs password accounts in, so a token naming someone
     * else's address must neither collide with nor take over their account.
     */
    externalEmail: text("external_email"),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex("users_external_identity_idx").on(table.externalIssuer, table.externalSubject),
    check(
      "users_external_identity_check",
      sql`(${table.externalIssuer} is null) = (${table.externalSubject} is null)`,
    ),
  ],
);

export const sessions = portico.table(
  "sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** SHA-256 of the token, hex. The token itself is never stored. */
    tokenHash: text("token_hash").notNull().unique(),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true, mode: "date" }),
  },
  (table) => [index("sessions_user_id_idx").on(table.userId)],
);

/**
 * An organization billed as one subject (team billing). Created through the standalone API, or
 * known by the host app's id (`external_issuer` `portico:host`) or a JWT issuer's org claim.
 */
export const organizations = portico.table(
  "organizations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    /** Where Stripe sends the organization's receipts; null: the customer has no email. */
    billingEmail: text("billing_email"),
    externalIssuer: text("external_issuer"),
    externalId: text("external_id"),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex("organizations_external_idx").on(table.externalIssuer, table.externalId),
    check(
      "organizations_external_check",
      sql`(${table.externalIssuer} is null) = (${table.externalId} is null)`,
    ),
  ],
);

/** `MembershipRole`: who may view (every member) and who may manage billing. */
export const memberships = portico.table(
  "memberships",
  {
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role").notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.organizationId, table.userId] }),
    index("memberships_user_idx").on(table.userId),
    check("memberships_role_check", sql`${table.role} in ('owner', 'admin', 'billing', 'member')`),
  ],
);

/**
 * The billing subject of a row: the organization when set, else the user. Billing rows name
 * both through foreign keys, so deleting either removes (or orphans) its rows.
 */
const organizationColumn = (onDelete: "cascade" | "set null") =>
  uuid("organization_id").references(() => organizations.id, { onDelete });

export const billingCustomers = portico.table(
  "billing_customers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** The subject: exactly one of the user and the organization. */
    userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
    organizationId: organizationColumn("cascade"),
    livemode: boolean("livemode").notNull(),
    stripeCustomerId: text("stripe_customer_id").notNull().unique(),
    createdAt: createdAt(),
    /** Set when Stripe says the customer is gone; the link is kept for the record. */
    deletedAt: timestamp("deleted_at", { withTimezone: true, mode: "date" }),
  },
  (table) => [
    // One live link per subject and mode; a deleted link may be replaced.
    uniqueIndex("billing_customers_user_mode_idx")
      .on(table.userId, table.livemode)
      .where(sql`${table.deletedAt} is null`),
    uniqueIndex("billing_customers_organization_mode_idx")
      .on(table.organizationId, table.livemode)
      .where(sql`${table.deletedAt} is null`),
    check(
      "billing_customers_subject_check",
      sql`num_nonnulls(${table.userId}, ${table.organizationId}) = 1`,
    ),
  ],
);

/** Audit trail of portal sessions. The portal URL is deliberately not stored. */
export const portalSessions = portico.table(
  "portal_sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Who opened the portal. */
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The organization whose billing it opened; null: the user's own. */
    organizationId: organizationColumn("cascade"),
    livemode: boolean("livemode").notNull(),
    stripeSessionId: text("stripe_session_id").notNull(),
    stripeCustomerId: text("stripe_customer_id").notNull(),
    configuration: text("configuration"),
    flowType: text("flow_type"),
    requestId: text("request_id").notNull(),
    createdAt: createdAt(),
  },
  (table) => [index("portal_sessions_user_id_idx").on(table.userId, table.createdAt)],
);

/**
 * Who did what to billing links, for the record: one row per action, never updated. The
 * subject is kept as text, not a foreign key, so the trail outlives a deleted user.
 */
export const auditLog = portico.table(
  "audit_log",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** `AuditAction`, e.g. `customer.linked`. */
    action: text("action").notNull(),
    /** `AuditSource`: cli | admin_api | import | embedded. */
    source: text("source").notNull(),
    /** Who acted, where known (an operator's note, the host's user id). */
    actor: text("actor"),
    /** `user:<id>` or `organization:<id>`. */
    subject: text("subject"),
    livemode: boolean("livemode"),
    stripeCustomerId: text("stripe_customer_id"),
    details: jsonb("details").notNull().default({}),
    createdAt: createdAt(),
  },
  (table) => [
    index("audit_log_subject_idx").on(table.subject, table.createdAt),
    index("audit_log_customer_idx").on(table.stripeCustomerId),
  ],
);

/** Fixed-window counters shared by every instance on the same database. */
export const rateLimits = portico.table("rate_limits", {
  key: text("key").primaryKey(),
  windowStart: timestamp("window_start", { withTimezone: true, mode: "date" }).notNull(),
  count: integer("count").notNull(),
});

/**
 * The webhook inbox: every verified Stripe event, once (the id is the primary key, so
 * a redelivery or a second instance inserting the same event changes nothing).
 */
export const stripeEvents = portico.table(
  "stripe_events",
  {
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    livemode: boolean("livemode").notNull(),
    /** `event.created`: when Stripe created the event (one-second resolution). */
    created: at("created").notNull(),
    receivedAt: at("received_at").notNull().defaultNow(),
    /** `StripeEventStatus`: processing | processed | ignored | failed. */
    status: text("status").notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    /** When the current attempt started; a `processing` row older than a lease is abandoned. */
    claimedAt: at("claimed_at"),
    processedAt: at("processed_at"),
    payload: jsonb("payload").notNull(),
  },
  (table) => [index("stripe_events_status_idx").on(table.status, table.receivedAt)],
);

/** Email, name, address and default card of a Stripe customer, as Stripe last told us. */
export const billingCustomerDetails = portico.table("billing_customer_details", {
  stripeCustomerId: text("stripe_customer_id").primaryKey(),
  livemode: boolean("livemode").notNull(),
  email: text("email"),
  name: text("name"),
  address: jsonb("address"),
  defaultPaymentMethodId: text("default_payment_method_id"),
  deletedAt: at("deleted_at"),
  ...syncColumns(),
});

export const billingSubscriptions = portico.table(
  "billing_subscriptions",
  {
    stripeSubscriptionId: text("stripe_subscription_id").primaryKey(),
    stripeCustomerId: text("stripe_customer_id").notNull(),
    /**
     * The subject linked to the customer when the row was written (its user or its
     * organization); both null for unknown customers.
     */
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    organizationId: organizationColumn("set null"),
    livemode: boolean("livemode").notNull(),
    /** Stripe's status, as text: Stripe adds statuses (`paused` came late). */
    status: text("status").notNull(),
    /** `portico.config.json` plan of the price; null when the price is not in the catalog. */
    planKey: text("plan_key"),
    priceId: text("price_id"),
    productId: text("product_id"),
    quantity: integer("quantity"),
    cancelAtPeriodEnd: boolean("cancel_at_period_end").notNull(),
    cancelAt: at("cancel_at"),
    canceledAt: at("canceled_at"),
    cancellationReason: text("cancellation_reason"),
    /** From the subscription item: Stripe moved the period off the subscription in 2025. */
    currentPeriodStart: at("current_period_start"),
    currentPeriodEnd: at("current_period_end"),
    trialEnd: at("trial_end"),
    pauseCollection: jsonb("pause_collection"),
    defaultPaymentMethodId: text("default_payment_method_id"),
    created: at("created").notNull(),
    ...syncColumns(),
  },
  (table) => [
    index("billing_subscriptions_customer_idx").on(table.stripeCustomerId),
    index("billing_subscriptions_user_idx").on(table.userId),
    index("billing_subscriptions_organization_idx").on(table.organizationId),
  ],
);

export const billingPaymentMethods = portico.table(
  "billing_payment_methods",
  {
    stripePaymentMethodId: text("stripe_payment_method_id").primaryKey(),
    /** Null once detached: the row stays as a tombstone so a late `attached` cannot revive it. */
    stripeCustomerId: text("stripe_customer_id"),
    livemode: boolean("livemode").notNull(),
    type: text("type").notNull(),
    brand: text("brand"),
    last4: text("last4"),
    expMonth: integer("exp_month"),
    expYear: integer("exp_year"),
    /** The customer's `invoice_settings.default_payment_method`. */
    isDefault: boolean("is_default").notNull().default(false),
    created: at("created").notNull(),
    ...syncColumns(),
  },
  (table) => [index("billing_payment_methods_customer_idx").on(table.stripeCustomerId)],
);

export const billingInvoices = portico.table(
  "billing_invoices",
  {
    stripeInvoiceId: text("stripe_invoice_id").primaryKey(),
    stripeCustomerId: text("stripe_customer_id").notNull(),
    stripeSubscriptionId: text("stripe_subscription_id"),
    livemode: boolean("livemode").notNull(),
    number: text("number"),
    status: text("status"),
    currency: text("currency").notNull(),
    /** Minor units; bigint because invoices may exceed 2^31 in zero-decimal currencies. */
    amountDue: bigint("amount_due", { mode: "number" }).notNull(),
    amountPaid: bigint("amount_paid", { mode: "number" }).notNull(),
    amountRemaining: bigint("amount_remaining", { mode: "number" }).notNull(),
    subtotal: bigint("subtotal", { mode: "number" }).notNull(),
    total: bigint("total", { mode: "number" }).notNull(),
    hostedInvoiceUrl: text("hosted_invoice_url"),
    invoicePdf: text("invoice_pdf"),
    periodStart: at("period_start"),
    periodEnd: at("period_end"),
    created: at("created").notNull(),
    ...syncColumns(),
  },
  (table) => [index("billing_invoices_customer_idx").on(table.stripeCustomerId, table.created)],
);

/**
 * Checkout sessions Portico created. `checkout.session.completed` links a customer to a
 * subject only when the session is one of these, for that subject and customer.
 */
export const checkoutSessions = portico.table(
  "checkout_sessions",
  {
    stripeSessionId: text("stripe_session_id").primaryKey(),
    /** Who started it; the subject too unless `organization_id` is set. */
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    organizationId: organizationColumn("cascade"),
    livemode: boolean("livemode").notNull(),
    stripeCustomerId: text("stripe_customer_id").notNull(),
    priceId: text("price_id").notNull(),
    /** open | complete | expired */
    status: text("status").notNull(),
    stripeSubscriptionId: text("stripe_subscription_id"),
    requestId: text("request_id").notNull(),
    createdAt: createdAt(),
    completedAt: at("completed_at"),
  },
  (table) => [index("checkout_sessions_user_idx").on(table.userId, table.createdAt)],
);

/**
 * Where `portico sync` stands in each phase of a backfill, per mode, so that a run stopped
 * with Ctrl-C resumes after its last finished page instead of listing everything again.
 */
export const syncProgress = portico.table(
  "sync_progress",
  {
    livemode: boolean("livemode").notNull(),
    /** `BackfillPhase`: customers | subscriptions | invoices | payment_methods. */
    phase: text("phase").notNull(),
    /** The last id of the last finished page (a Stripe list cursor, or a local customer id). */
    cursor: text("cursor"),
    /** `ListBoundary`: the oldest `created` listed so far and the ids listed at that second. */
    boundary: jsonb("boundary"),
    objects: integer("objects").notNull().default(0),
    changed: integer("changed").notNull().default(0),
    completedAt: at("completed_at"),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.livemode, table.phase] })],
);

/**
 * A counter per sync lock key (a customer), bumped by every transaction that writes that
 * customer's mirrored rows. Stripe is read before the transaction, not inside it, so a
 * read is only written when the counter still holds the value seen before the read: no
 * other write landed in between, so the read is newer than anything stored.
 */
export const syncVersions = portico.table("sync_versions", {
  lockKey: text("lock_key").primaryKey(),
  version: bigint("version", { mode: "number" }).notNull().default(0),
});

/**
 * An app served by this Portico, with its own Stripe account. Secrets are sealed
 * (`projects/secret-box`: `v1.<key id>.<iv>.<ciphertext>`), null when unset; the rest is
 * plain. A deleted project keeps its row (and, later, its billing rows) until purged.
 */
export const projects = portico.table(
  "projects",
  {
    /** A slug (`acme`, `acme-web`) or a uuid; part of every sealed value's binding. */
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    testSecretKey: text("test_secret_key"),
    liveSecretKey: text("live_secret_key"),
    /** Each a sealed JSON array: several signing secrets while one is rotated. */
    testWebhookSecrets: text("test_webhook_secrets"),
    liveWebhookSecrets: text("live_webhook_secrets"),
    /** The HS256 secret of the project's user JWTs. */
    jwtSecret: text("jwt_secret"),
    returnOrigins: text("return_origins").array().notNull().default(sql`'{}'::text[]`),
    /** The project's `portico.config.json`, as given; null: no catalog. */
    billingConfig: jsonb("billing_config"),
    /** `ProjectRateLimits`: the rules it overrides; the others are the server's. */
    rateLimits: jsonb("rate_limits").notNull().default({}),
    /** `ProjectJwtSettings`, without the secret; null: no JWT sign-in. */
    jwt: jsonb("jwt"),
    createdAt: createdAt(),
    updatedAt: at("updated_at").notNull().defaultNow(),
    deletedAt: at("deleted_at"),
  },
  (table) => [
    // A lower-case uuid is such a slug too. The id goes into URLs and sealed values' binding.
    check("projects_id_check", sql`${table.id} ~ '^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$'`),
  ],
);

/**
 * Keys a host app's backend calls Portico with, for a user or organization it names. Only
 * the SHA-256 of a key is kept; `prefix` (its first characters) is what lists show. A name
 * is unique among live keys, so a revoked key's name can be reused.
 */
export const serviceKeys = portico.table(
  "service_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    /** SHA-256 of the key, hex. */
    tokenHash: text("token_hash").notNull().unique(),
    prefix: text("prefix").notNull(),
    /** `ServiceKeyScope`s: `read`, and `manage` (which implies read). */
    scopes: text("scopes").array().notNull(),
    createdAt: createdAt(),
    lastUsedAt: at("last_used_at"),
    revokedAt: at("revoked_at"),
  },
  (table) => [
    uniqueIndex("service_keys_live_name_idx").on(table.name).where(sql`${table.revokedAt} is null`),
  ],
);

/**
 * One-time sign-in links a service key issued for a user: short-lived, single-use, and
 * kept only as the token's hash.
 */
export const signInLinks = portico.table("sign_in_links", {
  tokenHash: text("token_hash").primaryKey(),
  userId: uuid("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  serviceKeyId: uuid("service_key_id")
    .notNull()
    .references(() => serviceKeys.id, { onDelete: "cascade" }),
  /** A same-origin path to land on after signing in. */
  redirectPath: text("redirect_path").notNull().default("/"),
  createdAt: createdAt(),
  expiresAt: at("expires_at").notNull(),
  usedAt: at("used_at"),
});

/**
 * Customers whose billing may have changed since apps were last told (outgoing webhooks,
 * embedded `onChange`). Written in the transaction that changed the customer's rows, so a
 * crash after the commit loses nothing; the outbox's dispatcher takes each row, compares
 * the subject's view with what it last told, and deletes the row with the events it writes.
 */
export const pendingBillingChanges = portico.table("pending_billing_changes", {
  stripeCustomerId: text("stripe_customer_id").primaryKey(),
  livemode: boolean("livemode").notNull(),
  /** A link to a subject was made: `customer.linked` is due. */
  linked: boolean("linked").notNull().default(false),
  /** What changed it last: a Stripe event id, `sync` (a pull) or `link`. */
  source: text("source"),
  markedAt: at("marked_at").notNull().defaultNow(),
});

/**
 * What apps were last told of a subject's billing in one mode: the subscription view (with
 * its entitlements), and how many times something was told. Kept in the database, so a
 * restart neither repeats nor loses a change. The subject is `user:<id>` or
 * `organization:<id>`, as on audit rows.
 */
export const notifiedBillingStates = portico.table(
  "notified_billing_states",
  {
    subject: text("subject").notNull(),
    livemode: boolean("livemode").notNull(),
    subscription: jsonb("subscription").notNull(),
    /** Bumped with every event told about the subject: apps order its events by it. */
    version: bigint("version", { mode: "number" }).notNull(),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.subject, table.livemode] })],
);

/**
 * URLs the operator registered for outgoing webhooks. The signing secret (`whsec_…`) is
 * sealed with PORTICO_ENCRYPTION_KEY, bound to the endpoint; it is shown once, at creation.
 */
export const webhookEndpoints = portico.table("webhook_endpoints", {
  /** `we_…` */
  id: text("id").primaryKey(),
  url: text("url").notNull(),
  /** `OutgoingEventType`s, or `*` for all. */
  events: text("events").array().notNull(),
  secret: text("secret").notNull(),
  description: text("description"),
  createdAt: createdAt(),
});

/**
 * The outbox: every event told to apps, once, with its stable id (`evt_…`); redeliveries
 * send the same payload under the same id.
 */
export const outboxEvents = portico.table(
  "outbox_events",
  {
    id: text("id").primaryKey(),
    /** The order events were written in: deliveries go oldest first. */
    seq: bigserial("seq", { mode: "number" }).notNull(),
    /** `OutgoingEventType`. */
    type: text("type").notNull(),
    livemode: boolean("livemode").notNull(),
    subject: text("subject").notNull(),
    /** The Stripe event (or `sync`, `link`) behind it, for the record. */
    source: text("source"),
    created: at("created").notNull(),
    payload: jsonb("payload").notNull(),
  },
  (table) => [
    uniqueIndex("outbox_events_seq_idx").on(table.seq),
    index("outbox_events_subject_idx").on(table.subject, table.seq),
  ],
);

/**
 * One event to one endpoint. `pending` until a 2xx (`delivered`) or the last retry
 * (`failed`); a pending row with `locked_until` ahead is in flight on some instance.
 */
export const webhookDeliveries = portico.table(
  "webhook_deliveries",
  {
    /** `dlv_…` */
    id: text("id").primaryKey(),
    eventId: text("event_id")
      .notNull()
      .references(() => outboxEvents.id, { onDelete: "cascade" }),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    /** `DeliveryStatus`: pending | delivered | failed. */
    status: text("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: at("next_attempt_at").notNull(),
    /** An attempt's lease: until then no other instance takes the row. */
    lockedUntil: at("locked_until"),
    lastAttemptAt: at("last_attempt_at"),
    /** The endpoint's HTTP status on the last attempt; null when it did not answer. */
    lastResponseStatus: integer("last_response_status"),
    lastError: text("last_error"),
    deliveredAt: at("delivered_at"),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex("webhook_deliveries_event_endpoint_idx").on(table.eventId, table.endpointId),
    index("webhook_deliveries_due_idx").on(table.status, table.nextAttemptAt),
    index("webhook_deliveries_endpoint_idx").on(table.endpointId, table.status),
    check(
      "webhook_deliveries_status_check",
      sql`${table.status} in ('pending', 'delivered', 'failed')`,
    ),
  ],
);
