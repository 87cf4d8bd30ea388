import { BillingSettings, InvoiceList, ManageBillingButton, PorticoProvider } from "@portico/react";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireUser } from "@/lib/current-user";
import { findOrganization, mayBill, roleIn } from "@/lib/organizations";
import { appPageUrl, portico } from "@/lib/portico";
import "@portico/react/styles.css";

export const dynamic = "force-dynamic";

/** An organization's billing: the same routes and components, for the organization. */
export default async function OrganizationBillingPage({
  params,
}: {
  params: Promise<{ orgId: string }>;
}) {
  const user = await requireUser();
  const { orgId } = await params;
  const organization = findOrganization(orgId);
  const role = organization && roleIn(organization, user.id);
  if (!organization || !role) notFound();

  // Server code names the organization too; Portico asks `authorize` (with no request).
  const subscription = await portico.api.getSubscription({
    userId: user.id,
    email: user.email,
    organizationId: organization.id,
  });
  const { plans } = await portico.api.listPlans();
  const planName = plans.find((plan) => plan.key === subscription.plan)?.name ?? subscription.plan;

  return (
    <>
      <h1>{organization.name}: billing</h1>
      <p>
        Signed in as {user.email}, <span data-testid="role">{role}</span>.{" "}
        <Link href="/settings/billing">Your own billing</Link>
      </p>
      <h2>
        Plan: <span data-testid="org-plan-name">{planName}</span>
      </h2>

      {/* Every hook and component below reads and changes the organization's billing. */}
      <PorticoProvider basePath="/api/billing" organizationId={organization.id}>
        {/* A real form with a hidden organizationId: it works before hydration too. */}
        {mayBill(role, "manage") && subscription.hasCustomer && (
          <ManageBillingButton returnUrl={appPageUrl(`/orgs/${organization.id}/billing`)}>
            Manage {organization.name} billing
          </ManageBillingButton>
        )}
        <BillingSettings upgradePlan="pro" />
        <InvoiceList />
      </PorticoProvider>
    </>
  );
}
