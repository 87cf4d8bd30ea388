import { eq } from "drizzle-orm";
import type { Db } from "./client.js";
import { organizations, users } from "./schema.js";
import type { Subject } from "./subjects.js";

/**
 * The id an identity provider or a host app knows a subject by (`issuer` + `id`), or
 * undefined for a subject of Portico's own (a password account, an organization made here).
 */
export async function findExternalId(
  db: Db,
  subject: Subject,
): Promise<{ issuer: string; id: string } | undefined> {
  if (subject.type === "user") {
    const [row] = await db
      .select({ issuer: users.externalIssuer, id: users.externalSubject })
      .from(users)
      .where(eq(users.id, subject.id));
    return row?.issuer != null && row.id != null ? { issuer: row.issuer, id: row.id } : undefined;
  }
  const [row] = await db
    .select({ issuer: organizations.externalIssuer, id: organizations.externalId })
    .from(organizations)
    .where(eq(organizations.id, subject.id));
  return row?.issuer != null && row.id != null ? { issuer: row.issuer, id: row.id } : undefined;
}
