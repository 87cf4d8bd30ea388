import { sql } from "drizzle-orm";
import {
  boolean,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const createdAt = () =>
  timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();

export const users = pgTable("users", {
  id: uuid("id").primaryKey().defaultRandom(),
  /** Lower-cased. Null for users known only by an external identity. */
  email: text("email").unique(),
  /** `scrypt$N$r$p$salt$hash`; null for external-identity users. */
  passwordHash: text("password_hash"),
  /** `<issuer>|<sub>` of an external identity provider's JWT. */
  externalId: text("external_id").unique(),
  createdAt: createdAt(),
});

export const sessions = pgTable(
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

export const billingCustomers = pgTable(
  "billing_customers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    livemode: boolean("livemode").notNull(),
    stripeCustomerId: text("stripe_customer_id").notNull().unique(),
    createdAt: createdAt(),
    /** Set when Stripe says the customer is gone; the link is kept for the record. */
    deletedAt: timestamp("deleted_at", { withTimezone: true, mode: "date" }),
  },
  (table) => [
    // One live link per user and mode; a deleted link may be replaced.
    uniqueIndex("billing_customers_user_mode_idx")
      .on(table.userId, table.livemode)
      .where(sql`${table.deletedAt} is null`),
  ],
);

/** Audit trail of portal sessions. The portal URL is deliberately not stored. */
export const portalSessions = pgTable(
  "portal_sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
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

/** Fixed-window counters shared by every instance on the same database. */
export const rateLimits = pgTable("rate_limits", {
  key: text("key").primaryKey(),
  windowStart: timestamp("window_start", { withTimezone: true, mode: "date" }).notNull(),
  count: integer("count").notNull(),
});
