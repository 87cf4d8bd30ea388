import { PorticoError } from "../errors.js";
import { columnOf, type ProjectRow, type SealedField } from "./project-repository.js";
import { maskSecret, type SecretBox } from "./secret-box.js";

/** A project's secrets in and out of their sealed columns, each bound to project and column. */

/** The additional authenticated data of a sealed value: where it may be opened. */
export const bindingOf = (projectId: string, field: SealedField) =>
  `portico/projects/${projectId}/${columnOf(field)}`;

/** The secret box, or the operator's next step when no master key is configured. */
export function requireBox(box: SecretBox | undefined): SecretBox {
  if (box) return box;
  throw new PorticoError(
    "SERVICE_UNAVAILABLE",
    "PORTICO_ENCRYPTION_KEY is not set, so project secrets can be neither stored nor read. Generate one with: " +
      `node -e "console.log('k1:'+require('crypto').randomBytes(32).toString('base64'))"`,
  );
}

export const sealSecret = (box: SecretBox, projectId: string, field: SealedField, value: string) =>
  box.seal(value, bindingOf(projectId, field));

/** Webhook secret lists are sealed whole, as JSON; an empty list is no value. */
export const sealList = (
  box: SecretBox,
  projectId: string,
  field: SealedField,
  values: string[],
) => (values.length === 0 ? null : box.seal(JSON.stringify(values), bindingOf(projectId, field)));

type SealedRow = Pick<ProjectRow, "id" | SealedField>;

export function openSecret(box: SecretBox | undefined, row: SealedRow, field: SealedField) {
  const sealed = row[field];
  return sealed === null ? undefined : requireBox(box).open(sealed, bindingOf(row.id, field));
}

export function openList(box: SecretBox | undefined, row: SealedRow, field: SealedField) {
  const text = openSecret(box, row, field);
  return text === undefined ? [] : (JSON.parse(text) as string[]);
}

export const maskList = (values: string[]) => values.map(maskSecret);
