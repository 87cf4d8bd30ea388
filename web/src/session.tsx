import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from "react";
import { api, call, type DataOf, onUnauthorized } from "./api/client.js";
import { navigate } from "./router.js";

export type User = DataOf<typeof api.auth.me.$get>["user"];

export type Session =
  | { status: "loading" }
  | { status: "signed-out" }
  | { status: "signed-in"; user: User };

interface SessionContextValue {
  session: Session;
  signedIn(user: User): void;
  signOut(): Promise<void>;
}

const SIGNED_OUT: Session = { status: "signed-out" };

const SessionContext = createContext<SessionContextValue | undefined>(undefined);

/** Who is signed in, from `GET /api/auth/me`; the httpOnly cookie itself stays unreadable. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session>({ status: "loading" });

  useEffect(() => {
    let current = true;
    // `/session`, not `/me`: a signed-out visit is a 200 with no user, not a 401 in the console.
    call(api.auth.session.$get()).then(
      ({ user }) => current && setSession(user ? { status: "signed-in", user } : SIGNED_OUT),
      () => current && setSession(SIGNED_OUT),
    );
    const stop = onUnauthorized(() => setSession({ status: "signed-out" }));
    return () => {
      current = false;
      stop();
    };
  }, []);

  const value = useMemo<SessionContextValue>(
    () => ({
      session,
      signedIn: (user) => setSession({ status: "signed-in", user }),
      async signOut() {
        // Signed out locally even if the server is unreachable; the cookie then just expires.
        await call(api.auth.logout.$post()).catch(() => undefined);
        // Both in one tick, so the router never sees "signed out" on a signed-in page.
        setSession({ status: "signed-out" });
        navigate("/signin");
      },
    }),
    [session],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside SessionProvider");
  return value;
}
