import { api, call } from "../api/client.js";
import { AuthForm } from "../components/auth-form.js";
import { PageTitle } from "../components/page-title.js";
import { Link, useLocation } from "../router.js";

export function SignUpPage() {
  const { search } = useLocation();
  const next = search.get("next");
  return (
    <div className="auth-page">
      <PageTitle title="Create your account">Start on the free plan; upgrade any time.</PageTitle>
      <AuthForm
        submitLabel="Create account"
        isNewPassword={true}
        submit={(json) => call(api.auth.signup.$post({ json }))}
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
