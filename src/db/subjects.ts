import { and, eq, isNull, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";

/**
 * Who is billed: a user, or an organization (team billing). `id` is Portico's own id for
 * it (`users.id`, `organizations.id`), never the host app's or a client's.
 */
export interface Subject {
  type: "user" | "organization";
  id: string;
}

/** The subject's columns on a billing row: exactly one of the two is set. */
export function subjectColumns(subject: Subject): {
  userId: string | null;
  organizationId: string | null;
} {
  return subject.type === "user"
    ? { userId: subject.id, organizationId: null }
    : { userId: null, organizationId: subject.id };
}

/** The row's subject, or undefined when it has none (a customer Portico never linked). */
export function subjectOf(row: {
  userId: string | null;
  organizationId: string | null;
}): Subject | undefined {
  if (row.organizationId) return { type: "organization", id: row.organizationId };
  if (row.userId) return { type: "user", id: row.userId };
  return undefined;
}

/**
 * Rows of the subject, on a table where `user_id` is the subject unless `organization_id`
 * is set (there it names who acted, as on the audit rows).
 */
export function whereSubject(
  columns: { userId: PgColumn; organizationId: PgColumn },
  subject: Subject,
): SQL | undefined {
  return subject.type === "organization"
    ? eq(columns.organizationId, subject.id)
    : and(eq(columns.userId, subject.id), isNull(columns.organizationId));
}

/** `type:id`, for rate-limit keys and logs. */
export const subjectKey = (subject: Subject) => `${subject.type}:${subject.id}`;

/** A user's own billing, by Portico's user id. */
export const userSubjectId = (id: string): Subject => ({ type: "user", id });
