import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getJson } from "../../../test/checkout.js";
import { addMember, startTeam } from "../../../test/organizations.js";
import { postJson, signUp, startTestPortico, type TestPortico } from "../../../test/portico.js";

describe("/api/organizations: members and roles", () => {
  let t: TestPortico;
  beforeAll(async () => {
    t = await startTestPortico();
  });
  afterAll(() => t.close());

  const call = (method: "PATCH" | "DELETE", path: string, token: string, body?: unknown) =>
    fetch(`${t.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const errorOf = async (response: Response) =>
    ((await response.json()) as { error: { code: string; message: string } }).error;

  it("creates an organization owned by its creator, listed with each member's role", async () => {
    const team = await startTeam(t, ["billing"], "Listed Co");
    const mine = await getJson(t, "/api/organizations", team.owner.token);
    expect((await mine.json()).data.organizations).toEqual([
      { id: team.id, name: "Listed Co", role: "owner" },
    ]);
    const [billing] = team.members;
    const members = await getJson(
      t,
      `/api/organizations/${team.id}/members`,
      billing?.member.token ?? "",
    );
    expect((await members.json()).data.members).toEqual([
      { userId: team.owner.user.id, email: team.owner.email, role: "owner" },
      { userId: billing?.member.user.id, email: billing?.member.email, role: "billing" },
    ]);
  });

  it("lets only owners and admins manage members, and only owners touch owners", async () => {
    const team = await startTeam(t, ["admin", "billing", "member"]);
    const [admin, billing, member] = team.members.map((entry) => entry.member);
    const newcomer = await signUp(t);
    const add = (by: string, role: string) =>
      postJson(t, `/api/organizations/${team.id}/members`, { email: newcomer.email, role }, by);

    for (const token of [billing?.token, member?.token]) {
      const refused = await add(token ?? "", "member");
      expect(refused.status).toBe(403);
      expect((await errorOf(refused)).message).toBe("Only owners and admins manage members");
    }
    const byAdminAsOwner = await add(admin?.token ?? "", "owner");
    expect(byAdminAsOwner.status).toBe(403);
    expect(await errorOf(byAdminAsOwner)).toMatchObject({
      message: "Only owners add, remove or change owners",
    });
    const byAdmin = await add(admin?.token ?? "", "member");
    expect(byAdmin.status).toBe(201);
    expect((await add(admin?.token ?? "", "member")).status).toBe(409);

    const demoteOwner = await call(
      "PATCH",
      `/api/organizations/${team.id}/members/${team.owner.user.id}`,
      admin?.token ?? "",
      { role: "member" },
    );
    expect(demoteOwner.status).toBe(403);
    const promote = await call(
      "PATCH",
      `/api/organizations/${team.id}/members/${newcomer.user.id}`,
      team.owner.token,
      { role: "billing" },
    );
    expect(promote.status).toBe(200);
  });

  it("keeps an owner: the last one can neither leave nor step down", async () => {
    const team = await startTeam(t, ["admin"]);
    const self = `/api/organizations/${team.id}/members/${team.owner.user.id}`;
    const leave = await call("DELETE", self, team.owner.token);
    expect(leave.status).toBe(409);
    expect((await errorOf(leave)).message).toBe(
      "An organization needs an owner; make someone else owner first",
    );
    expect((await call("PATCH", self, team.owner.token, { role: "admin" })).status).toBe(409);

    const [admin] = team.members.map((entry) => entry.member);
    const second = `/api/organizations/${team.id}/members/${admin?.user.id}`;
    expect((await call("PATCH", second, team.owner.token, { role: "owner" })).status).toBe(200);
    expect((await call("DELETE", self, team.owner.token)).status).toBe(200);
    const gone = await getJson(t, `/api/organizations/${team.id}/members`, team.owner.token);
    expect(gone.status).toBe(404);
  });

  it("lets any member leave, and answers 404 to everyone else", async () => {
    const team = await startTeam(t, ["member"]);
    const [member] = team.members.map((entry) => entry.member);
    const outsider = await signUp(t);
    for (const organizationId of [team.id, "00000000-0000-4000-8000-000000000000", "nope"]) {
      const answer = await getJson(
        t,
        `/api/organizations/${organizationId}/members`,
        outsider.token,
      );
      expect(answer.status).toBe(404);
      expect(await errorOf(answer)).toEqual({
        code: "NOT_FOUND",
        message: "Organization not found",
        requestId: expect.any(String),
      });
    }
    const addByOutsider = await postJson(
      t,
      `/api/organizations/${team.id}/members`,
      { email: outsider.email, role: "owner" },
      outsider.token,
    );
    expect(addByOutsider.status).toBe(404);

    const leave = await call(
      "DELETE",
      `/api/organizations/${team.id}/members/${member?.user.id}`,
      member?.token ?? "",
    );
    expect(leave.status).toBe(200);
    const after = await getJson(t, `/api/organizations/${team.id}/members`, member?.token ?? "");
    expect(after.status).toBe(404);
  });

  it("refuses bad input with 422 and an unknown account with 404", async () => {
    const owner = await signUp(t);
    const blank = await postJson(t, "/api/organizations", { name: "  " }, owner.token);
    expect(blank.status).toBe(422);
    const team = await startTeam(t, []);
    const unknown = await postJson(
      t,
      `/api/organizations/${team.id}/members`,
      { email: "nobody@example.com", role: "member" },
      team.owner.token,
    );
    expect(unknown.status).toBe(404);
    const badRole = await postJson(
      t,
      `/api/organizations/${team.id}/members`,
      { email: owner.email, role: "superuser" },
      team.owner.token,
    );
    expect(badRole.status).toBe(422);
    await addMember(t, team.owner, team.id, owner, "member");
    const anonymous = await fetch(`${t.url}/api/organizations`);
    expect(anonymous.status).toBe(401);
  });
});
