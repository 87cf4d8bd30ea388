import { fileURLToPath } from "node:url";
import { postJson, signUp, type TestPortico } from "./portico.js";

/** Free, Starter, and Team billed per seat (2 to 50), with seats adjustable in the portal. */
export const PER_SEAT_BILLING_CONFIG = fileURLToPath(
  new URL("../src/billing/__fixtures__/per-seat.portico.config.json", import.meta.url),
);

export type Member = Awaited<ReturnType<typeof signUp>>;

/** Creates an organization through the API; its creator is its owner. */
export async function createOrganization(t: TestPortico, owner: Member, name = "Acme") {
  const response = await postJson(t, "/api/organizations", { name }, owner.token);
  if (response.status !== 201) {
    throw new Error(`create organization: ${response.status} ${await response.text()}`);
  }
  return ((await response.json()) as { data: { id: string } }).data.id;
}

export async function addMember(
  t: TestPortico,
  manager: Member,
  organizationId: string,
  member: Member,
  role: "owner" | "admin" | "billing" | "member",
) {
  const response = await postJson(
    t,
    `/api/organizations/${organizationId}/members`,
    { email: member.email, role },
    manager.token,
  );
  if (response.status !== 201) {
    throw new Error(`add member: ${response.status} ${await response.text()}`);
  }
}

/** An organization with a signed-up member per role asked for, the owner first. */
export async function startTeam<Role extends "admin" | "billing" | "member">(
  t: TestPortico,
  roles: Role[],
  name = "Acme",
) {
  const owner = await signUp(t);
  const id = await createOrganization(t, owner, name);
  const members: { role: Role; member: Member }[] = [];
  for (const role of roles) {
    const member = await signUp(t);
    await addMember(t, owner, id, member, role);
    members.push({ role, member });
  }
  return { id, owner, members };
}
