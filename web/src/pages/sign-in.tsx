import { api, call } from "../api/client.js";
import { AuthForm } from "../components/auth-form.js";
import { PageTitle } from "../components/page-title.js";
import { Link, useLocation } from "../router.js";

export function SignInPage() {
  const { search } = useLocation();
  const next = search.get("next");
  return (
    <div className="auth-page">
      <PageTitle title="Sign in">Manage your plan, payment method and invoices.</PageTitle>
      <AuthForm
        submitLabel="Sign in"
        isNewPassword={false}
        submit={(json) => call(api.auth.login.$post({ json }))}
        footer={
          <>
            New here?{" "}
            <Link to={next ? `/signup?next=${encodeURIComponent(next)}` : "/signup"}>
              Create an account
            </Link>
          </>
        }
      />
    </div>
  );
}
