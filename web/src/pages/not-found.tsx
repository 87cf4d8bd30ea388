import { PageTitle } from "../components/page-title.js";
import { Link } from "../router.js";

export function NotFoundPage() {
  return (
    <div className="narrow">
      <PageTitle title="Page not found">There is nothing at this address.</PageTitle>
      <p>
        <Link to="/settings/billing">Go to billing settings</Link>
      </p>
    </div>
  );
}
