import { PorticoProvider } from "@portico/react";
import { useEffect } from "react";
import { sessionAwareFetch } from "./api/client.js";
import { Header } from "./components/header.js";
import { BillingPage } from "./pages/billing.js";
import { NotFoundPage } from "./pages/not-found.js";
import { PricingPage } from "./pages/pricing.js";
import { SignInPage } from "./pages/sign-in.js";
import { SignUpPage } from "./pages/sign-up.js";
import { navigate, safeNextPath, useLocation } from "./router.js";
import { useSession } from "./session.js";

const SIGNED_IN_PAGES: Record<string, () => React.JSX.Element> = {
  "/settings/billing": BillingPage,
  "/pricing": PricingPage,
};
/** The billing page follows webhooks live: a plan changed elsewhere shows within seconds. */
const REFRESH_INTERVAL_MS = 3_000;

const SIGNED_OUT_PAGES: Record<string, () => React.JSX.Element> = {
  "/signin": SignInPage,
  "/signup": SignUpPage,
};

/** Picks the page for the path, sending each visitor where they belong first. */
export function App() {
  const { pathname, search, href } = useLocation();
  const { session } = useSession();
  const signedIn = session.status === "signed-in";

  let redirect: string | undefined;
  if (pathname === "/") redirect = "/settings/billing";
  else if (session.status === "signed-out" && SIGNED_IN_PAGES[pathname]) {
    redirect = `/signin?next=${encodeURIComponent(href)}`;
  } else if (signedIn && SIGNED_OUT_PAGES[pathname]) {
    redirect = safeNextPath(search.get("next")) ?? "/settings/billing";
  }
  useEffect(() => {
    if (redirect) navigate(redirect, { replace: true });
  }, [redirect]);

  const Page = SIGNED_IN_PAGES[pathname] ?? SIGNED_OUT_PAGES[pathname] ?? NotFoundPage;
  const ready = session.status !== "loading" && !redirect;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Header />
      <main id="main" tabIndex={-1}>
        {!ready ? (
          <p className="loading">Loading…</p>
        ) : signedIn ? (
          // Keyed by user: a different user signing in starts from empty billing state.
          <PorticoProvider
            key={session.user.id}
            basePath="/api/billing"
            fetch={sessionAwareFetch}
            refreshInterval={REFRESH_INTERVAL_MS}
          >
            <Page />
          </PorticoProvider>
        ) : (
          <Page />
        )}
      </main>
    </>
  );
}
