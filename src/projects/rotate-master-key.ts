import type { Db } from "../db/client.js";
import {
  findSealedValues,
  listSealedValues,
  replaceSealedValues,
  SEALED_FIELDS,
  type SealedField,
  type SealedValues,
} from "./project-repository.js";
import { bindingOf } from "./project-secrets.js";
import type { SecretBox } from "./secret-box.js";

/**
 * Re-seals every project secret that is not under the current master key, so that the
 * previous keys can then be dropped. Safe beside running servers: each row is swapped only if
 * its sealed values are still those that were read (a secret set meanwhile wins and the row is
 * read again), and no transaction stays open while values are decrypted and sealed.
 */

export interface RotationResult {
  keyId: string;
  /** Secrets sealed again under `keyId`, and the projects they belong to. */
  resealed: number;
  projects: number;
  /** Secrets that were under `keyId` already. */
  current: number;
  /** Secrets that could not be opened (an unknown key id, a tampered value). Left as they are. */
  failed: { projectId: string; field?: SealedField; reason: string }[];
}

/** A row that changes under every attempt is left for the next run rather than retried forever. */
const ATTEMPTS = 5;

export async function rotateMasterKey(db: Db, box: SecretBox): Promise<RotationResult> {
  const result: RotationResult = {
    keyId: box.currentKeyId,
    resealed: 0,
    projects: 0,
    current: 0,
    failed: [],
  };
  for (const row of await listSealedValues(db)) await resealRow(db, box, row, result);
  return result;
}

async function resealRow(
  db: Db,
  box: SecretBox,
  first: { id: string } & SealedValues,
  result: RotationResult,
) {
  let row: ({ id: string } & SealedValues) | undefined = first;
  for (let attempt = 0; row && attempt < ATTEMPTS; attempt++) {
    const plan = planReseal(box, row);
    if (
      Object.keys(plan.next).length === 0 ||
      (await replaceSealedValues(db, row.id, row, plan.next))
    ) {
      result.current += plan.current;
      result.failed.push(...plan.failed);
      const resealed = Object.keys(plan.next).length;
      result.resealed += resealed;
      if (resealed > 0) result.projects += 1;
      return;
    }
    // Written since it was read (or purged: then there is nothing left to do).
    row = await findSealedValues(db, first.id);
  }
  if (row) {
    result.failed.push({
      projectId: first.id,
      reason: "the project changed during every attempt; run rotate-master-key again",
    });
  }
}

function planReseal(box: SecretBox, row: { id: string } & SealedValues) {
  const next: Partial<SealedValues> = {};
  const failed: RotationResult["failed"] = [];
  let current = 0;
  for (const field of SEALED_FIELDS) {
    const sealed = row[field];
    if (sealed === null) continue;
    try {
      if (box.keyIdOf(sealed) === box.currentKeyId) current += 1;
      else next[field] = box.reseal(sealed, bindingOf(row.id, field));
    } catch (error) {
      failed.push({ projectId: row.id, field, reason: (error as Error).message });
    }
  }
  return { next, failed, current };
}
