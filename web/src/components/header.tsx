import { useState } from "react";
import { Link } from "../router.js";
import { useSession } from "../session.js";

export function Header() {
  const { session, signOut } = useSession();
  const [signingOut, setSigningOut] = useState(false);

  const onSignOut = async () => {
    setSigningOut(true);
    await signOut();
    setSigningOut(false);
  };

  return (
    <header className="site-header">
      <div className="site-header-inner">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Portico
        </Link>
        {session.status === "signed-in" && (
          <>
            <nav aria-label="Main" className="site-nav">
              <Link to="/settings/billing">Billing</Link>
              <Link to="/pricing">Plans</Link>
            </nav>
            <div className="account">
              <span className="account-email" title={session.user.email ?? undefined}>
                {session.user.email}
              </span>
              <button
                type="button"
                className="button button-quiet"
                onClick={onSignOut}
                disabled={signingOut}
              >
                Sign out
              </button>
            </div>
          </>
        )}
      </div>
    </header>
  );
}
