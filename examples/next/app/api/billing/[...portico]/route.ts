import { toNextHandlers } from "portico/next";
import { portico } from "@/lib/portico";

// Portico needs Node (its database driver, node:crypto) and answers per request.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Every billing route under /api/billing: portal, checkout, subscription, plans, webhooks. */
export const { GET, POST } = toNextHandlers(portico);
