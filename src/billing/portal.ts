import type { Logger } from "pino";
import type { Config, StripeMode } from "../config.js";
import {
  type AdmittedCustomer,
  type CustomerAdmission,
  hitRateLimitsFindingCustomers,
  markBillingCustomerDeleted,
} from "../db/billing-customers.js";
import type { Db } from "../db/client.js";
import { type PortalSessionAudit, recordPortalSessions } from "../db/portal-sessions.js";
import { isDataError } from "../db/sql-state.js";
import { type Subject, subjectKey } from "../db/subjects.js";
import { PorticoError, validationError } from "../errors.js";
import { createGroupCommit } from "../group-commit.js";
import { StripeMissingError } from "../stripe/errors.js";
import {
  type PortalFlowType,
  type PortalSessionParams,
  type StripeGateway,
  StripeModeNotConfiguredError,
} from "../stripe/gateway.js";
import { createPortalConfigurationResolver } from "./portal-configurations.js";
import { resolvePortalFlow } from "./portal-flows.js";
import { verifyReturnUrl } from "./return-url.js";

export interface PortalSessionInput {
  /** Whose billing the portal opens. */
  subject: Subject;
  /** Who opens it (the audit row's user). */
  actor: { id: string };
  mode: StripeMode;
  returnUrl: string;
  configuration?: string | undefined;
  flow?:
    | { type: PortalFlowType; subscription?: string | undefined; price?: string | undefined }
    | undefined;
  locale?: string | undefined;
  requestId: string;
}

/** How long a portal session's audit row waits for others to share its insert. */
const AUDIT_LINGER_MS = 20;

export const noBillingCustomer = () =>
  new PorticoError("NOT_FOUND", "No billing customer record found");

export function createPortalService(deps: {
  db: Db;
  stripe: StripeGateway;
  config: Pick<Config, "portal" | "allowedOrigins" | "rateLimits">;
  setup?: { assertReady(mode: StripeMode): Promise<void> } | undefined;
  metrics?: { portalSessionCreated(mode: StripeMode, flowType: string | undefined): void };
  logger: Pick<Logger, "error">;
}) {
  const { db, stripe, config, metrics, logger } = deps;
  const configurations = createPortalConfigurationResolver(deps);
  // The audit row is written behind the response: the session exists at Stripe whatever
  // happens to the row, so the user need not wait for it. Rows of the same 20 ms share one
  // insert (one commit), and `flush()` (at shutdown) waits for every row still queued.
  const audits = createGroupCommit<PortalSessionAudit, void>({
    maxBatch: 200,
    linger: AUDIT_LINGER_MS,
    write: async (rows) => {
      await recordPortalSessions(db, rows);
      return rows.map(() => undefined);
    },
  });

  // Requests arriving together count their rate-limit hits and find their customers in one
  // statement: under load, one round trip serves a group (a lone request goes on the next
  // turn of the event loop, with its own prepared statement).
  const admissions = createGroupCommit<CustomerAdmission, AdmittedCustomer>({
    maxBatch: 200,
    write: (requests) => hitRateLimitsFindingCustomers(db, config.rateLimits.portal, requests),
    // A subject id the database refuses fails only its own request.
    isolate: isDataError,
  });

  /** The subject's customer id, once the portal rate limit allows another session. */
  async function admittedCustomerId(subject: Subject, mode: StripeMode): Promise<string> {
    const hit = await admissions.submit({
      key: `portal:${subjectKey(subject)}`,
      subject,
      livemode: mode === "live",
    });
    if (!hit.allowed) {
      throw new PorticoError(
        "RATE_LIMITED",
        "Too many portal sessions requested, try again later",
        { retryAfter: hit.retryAfter },
      );
    }
    if (!hit.also) throw noBillingCustomer();
    return hit.also;
  }

  /** Creates a fresh Stripe portal session for the subject. The URL is never stored. */
  async function createPortalSession(input: PortalSessionInput): Promise<{ url: string }> {
    const returnUrl = verifyReturnUrl(input.returnUrl, config.allowedOrigins);
    if (!returnUrl.ok)
      throw validationError([{ path: ["returnUrl"], message: `returnUrl ${returnUrl.reason}` }]);
    if (input.configuration !== undefined && !configurations.isAllowed(input.configuration)) {
      throw validationError([
        {
          path: ["configuration"],
          message: "configuration is not an allowed portal configuration",
        },
      ]);
    }
    if (!stripe.modes().includes(input.mode)) throw new StripeModeNotConfiguredError(input.mode);

    // One round trip: the rate limit's hit and the customer lookup are one statement.
    const customerId = await admittedCustomerId(input.subject, input.mode);

    const [configurationId, flow] = await Promise.all([
      configurations.resolve(input.mode, input.configuration),
      input.flow
        ? resolvePortalFlow(stripe, {
            mode: input.mode,
            customerId,
            flow: input.flow,
            afterCompletionUrl: returnUrl.url,
          })
        : undefined,
    ]);

    const params: PortalSessionParams = {
      customerId,
      returnUrl: returnUrl.url,
      configurationId,
      locale: input.locale,
      flow,
    };
    let session: { id: string; url: string };
    try {
      session = await stripe.createPortalSession(input.mode, params);
    } catch (error) {
      if (error instanceof StripeMissingError && error.param === "customer") {
        await markBillingCustomerDeleted(db, customerId);
        throw noBillingCustomer();
      }
      if (error instanceof StripeMissingError && error.param === "configuration")
        configurations.invalidate();
      throw error;
    }

    audits
      .submit({
        userId: input.actor.id,
        organizationId: input.subject.type === "organization" ? input.subject.id : null,
        livemode: input.mode === "live",
        stripeSessionId: session.id,
        stripeCustomerId: customerId,
        configuration: configurationId ?? null,
        flowType: input.flow?.type ?? null,
        requestId: input.requestId,
      })
      .catch((error: unknown) =>
        logger.error(
          { err: error, requestId: input.requestId },
          "could not record a portal session's audit row",
        ),
      );
    metrics?.portalSessionCreated(input.mode, input.flow?.type);
    return { url: session.url };
  }

  return { createPortalSession, flush: () => audits.idle() };
}

export type PortalService = ReturnType<typeof createPortalService>;
