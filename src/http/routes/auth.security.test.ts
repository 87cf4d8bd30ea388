import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestPortico, type TestPortico, uniqueEmail } from "../../../test/portico.js";
import { sessions, users } from "../../db/schema.js";

const PASSWORD = "correct horse battery";

interface SessionBody {
  success: true;
  data: { token: string; user: { id: string; email: string } };
}

describe("auth routes, security", () => {
  let t: TestPortico;
  beforeAll(async () => {
    // TRUST_PROXY lets each test speak from its own addresses through X-Forwarded-For.
    t = await startTestPortico({
      env: { TRUST_PROXY: "true", RATE_LIMIT_LOGIN: "3/60s", RATE_LIMIT_SIGNUP: "3/60s" },
    });
  });
  afterAll(() => t.close());

  let lastOctet = 0;
  const freshIp = () => `203.0.113.${++lastOctet}`;

  const post = (path: string, body: unknown, ip: string) =>
    fetch(`${t.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": ip },
      body: JSON.stringify(body),
    });
  const signup = (email: string, password: string, ip = freshIp()) =>
    post("/api/auth/signup", { email, password }, ip);
  const login = (email: string, password: string, ip: string) =>
    post("/api/auth/login", { email, password }, ip);
  const me = (token: string) =>
    fetch(`${t.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
  const sessionsOf = (userId: string) =>
    t.portico.database.db.select().from(sessions).where(eq(sessions.userId, userId));

  /** Key names and value kinds, recursively: the shape of an answer without its values. */
  const shapeOf = (value: unknown): unknown =>
    value && typeof value === "object"
      ? Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, shapeOf(inner)]))
      : typeof value;

  describe("signup", () => {
    it("answers a taken email like a new one, without a session or a change to the account", async () => {
      const email = uniqueEmail();
      const created = await signup(email, PASSWORD);
      expect(created.status).toBe(201);
      const owner = (await created.json()) as SessionBody;

      const taken = await signup(email.toUpperCase(), "the attacker's password");
      expect(taken.status).toBe(201);
      expect(taken.headers.get("set-cookie")).toMatch(/portico_session=pt_[\w-]+;/);
      const answer = (await taken.json()) as SessionBody;
      expect(shapeOf(answer)).toEqual(shapeOf(owner));
      expect(answer.data.user.email).toBe(email);
      expect(answer.data.token).toMatch(/^pt_/);
      expect(answer.data.user.id).not.toBe(owner.data.user.id);
      expect(JSON.stringify(answer)).not.toMatch(/exists|taken|already/i);

      // The answer opens nothing: its token is no session, and the account is unchanged.
      expect((await me(answer.data.token)).status).toBe(401);
      expect(await sessionsOf(owner.data.user.id)).toHaveLength(1);
      expect((await login(email, "the attacker's password", freshIp())).status).toBe(401);
      expect((await login(email, PASSWORD, freshIp())).status).toBe(200);
      const rows = await t.portico.database.db.select().from(users).where(eq(users.email, email));
      expect(rows).toHaveLength(1);
    });

    it("spends a password hash on a taken email too, so timing does not tell", async () => {
      const email = uniqueEmail();
      expect((await signup(email, PASSWORD)).status).toBe(201);
      const timed = async (address: string) => {
        const started = performance.now();
        expect((await signup(address, PASSWORD)).status).toBe(201);
        return performance.now() - started;
      };
      const fresh: number[] = [];
      const taken: number[] = [];
      for (let i = 0; i < 5; i++) {
        fresh.push(await timed(uniqueEmail()));
        taken.push(await timed(email));
      }
      const median = (values: number[]) => values.sort((a, b) => a - b)[2] ?? 0;
      // Skipping scrypt would make the taken path ~20x faster; the bound leaves room for noise.
      expect(median(taken)).toBeGreaterThan(median(fresh) * 0.5);
    });

    it("rate limits signup per address, with Retry-After, and creates nothing beyond it", async () => {
      const ip = freshIp();
      for (let i = 0; i < 3; i++)
        expect((await signup(uniqueEmail(), PASSWORD, ip)).status).toBe(201);
      const email = uniqueEmail();
      const limited = await signup(email, PASSWORD, ip);
      expect(limited.status).toBe(429);
      expect(((await limited.json()) as { error: { code: string } }).error.code).toBe(
        "RATE_LIMITED",
      );
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
      const rows = await t.portico.database.db.select().from(users).where(eq(users.email, email));
      expect(rows).toHaveLength(0);
      // Another address is not affected.
      expect((await signup(email, PASSWORD)).status).toBe(201);
    });
  });

  describe("login lockout", () => {
    it("lets the owner in from another address after a burst of wrong guesses", async () => {
      const email = uniqueEmail();
      await signup(email, PASSWORD);
      const attacker = freshIp();
      for (let i = 0; i < 3; i++)
        expect((await login(email, "wrong password", attacker)).status).toBe(401);
      expect((await login(email, PASSWORD, attacker)).status).toBe(429);

      const owner = await login(email, PASSWORD, freshIp());
      expect(owner.status).toBe(200);
      const { data } = (await owner.json()) as SessionBody;
      expect((await me(data.token)).status).toBe(200);
    });

    it("still stops guessing: under attack, an address that failed is refused even with the right password", async () => {
      const email = uniqueEmail();
      await signup(email, PASSWORD);
      for (let i = 0; i < 3; i++) await login(email, "wrong password", freshIp());
      const second = freshIp();
      expect((await login(email, "another wrong one", second)).status).toBe(401);
      const refused = await login(email, PASSWORD, second);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      // An address that never failed against the account is still let through.
      expect((await login(email, PASSWORD, freshIp())).status).toBe(200);
    });

    it("treats an unknown email exactly like a real one", async () => {
      const email = uniqueEmail();
      for (let i = 0; i < 3; i++) await login(email, "wrong password", freshIp());
      const second = freshIp();
      expect((await login(email, "wrong password", second)).status).toBe(401);
      expect((await login(email, "wrong password", second)).status).toBe(429);
    });
  });
});
