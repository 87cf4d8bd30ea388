import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { decodeSession, SESSION_COOKIE, type SessionUser } from "./session";

/** The signed-in user for a page or server action; anyone else is sent to sign in. */
export async function requireUser(): Promise<SessionUser> {
  const user = decodeSession((await cookies()).get(SESSION_COOKIE)?.value);
  if (!user) redirect("/sign-in");
  return user;
}
