"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { encodeSession, SESSION_COOKIE, userForEmail } from "@/lib/session";

/** Email only: the example trusts what is typed, where a real app would verify it. */
export async function signIn(formData: FormData) {
  const email = String(formData.get("email") ?? "").trim();
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) redirect("/sign-in?error=email");
  (await cookies()).set(SESSION_COOKIE, encodeSession(userForEmail(email)), {
    httpOnly: true,
    // Lax: the cookie still comes along when Stripe's pages send the user back here.
    sameSite: "lax",
    secure: process.env.APP_URL?.startsWith("https:") ?? false,
    path: "/",
  });
  redirect("/settings/billing");
}

export async function signOut() {
  (await cookies()).delete(SESSION_COOKIE);
  redirect("/sign-in");
}
