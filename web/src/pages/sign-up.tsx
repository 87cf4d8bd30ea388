import { ApiError, api, call } from "../api/client.js";
import { AuthForm, type Credentials } from "../components/auth-form.js";
import { PageTitle } from "../components/page-title.js";
import { Link, useLocation } from "../router.js";

/**
 * Sign-up answers a taken email like a new one (it must not confirm who has an account),
 * but opens no session for it. So the page asks who is signed in before going on.
 */
async function signUpAndConfirm(json: Credentials) {
  await call(api.auth.signup.$post({ json }));
  try {
    return await call(api.auth.me.$get());
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error;
    throw new ApiError(
      401,
      "UNAUTHORIZED",
      "We couldn't create an account with these details. If you already have one, sign in.",
    );
  }
}

export function SignUpPage() {
  const { search } = useLocation();
  const next = search.get("next");
  return (
    <div className="auth-page">
      <PageTitle title="Create your account">Start on the free plan; upgrade any time.</PageTitle>
      <AuthForm
        submitLabel="Create account"
        isNewPassword={true}
        submit={signUpAndConfirm}
        footer={
          <>
            Already have an account?{" "}
            <Link to={next ? `/signin?next=${encodeURIComponent(next)}` : "/signin"}>Sign in</Link>
          </>
        }
      />
    </div>
  );
}
