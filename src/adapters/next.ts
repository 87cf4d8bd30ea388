import { redirect } from "next/navigation.js";
import type { ForUser } from "../embedded/api.js";
import type { Portico } from "../embedded/create-portico.js";

/**
 * The App Router catch-all: in `app/api/billing/[...portico]/route.ts`,
 * `export const { GET, POST } = toNextHandlers(portico)`.
 */
export function toNextHandlers(portico: Pick<Portico, "handler">) {
  const handle = (request: Request) => portico.handler(request);
  return { GET: handle, POST: handle };
}

type PortalInput = ForUser &
  Omit<Parameters<Portico["api"]["createPortalSession"]>[0], keyof ForUser>;

/**
 * For a server action: creates a portal session for the signed-in user and redirects to it.
 * `redirect()` works by throwing NEXT_REDIRECT; nothing here catches it, so Next.js does
 * the redirect. Portico's failures throw `PorticoError` before it.
 */
export async function redirectToPortal(portico: Pick<Portico, "api">, input: PortalInput) {
  const { url } = await portico.api.createPortalSession(input);
  redirect(url);
}
