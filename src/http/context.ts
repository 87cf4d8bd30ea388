import type { Logger } from "pino";
import type { AuthUser } from "../auth/accounts.js";
import type { KeySubject } from "../auth/service-key-subjects.js";
import type { ServiceKeyCaller } from "../auth/service-keys.js";

/** How errors are rendered: Portico's envelope, or FastAPI's `{detail}` on `/api/v1`. */
export type ErrorStyle = "envelope" | "detail";

export interface AppEnv {
  Variables: {
    requestId: string;
    /** The server's logger; a line about the request names `requestId` itself. */
    logger: Logger;
    user: AuthUser;
    /** Embedded: the user as the host app's `identify` returned them (its own id). */
    hostUser: { id: string; email?: string | null | undefined } | undefined;
    errorStyle: ErrorStyle;
    /** Set when a service key made the request: the key, and the subject it named. */
    serviceCall: { key: ServiceKeyCaller; subject: KeySubject } | undefined;
  };
}
