// The seed's ManageBillingButton in plain JavaScript. Without JavaScript the same form posts
// to Portico, which answers 303 to the portal; this adds a loading state and an inline error.

for (const time of document.querySelectorAll("time[datetime]")) {
  // The server wrote UTC; the reader's own zone can be a day off from it.
  time.textContent = new Intl.DateTimeFormat(undefined, { dateStyle: "long" }).format(
    new Date(time.dateTime),
  );
}

const portalForm = document.querySelector("form[data-portal]");
const button = portalForm?.querySelector("button");
const errorAlert = portalForm?.querySelector('[role="alert"]');
const setLoading = (loading) => {
  button.disabled = loading;
  button.textContent = loading ? "Opening…" : "Manage billing";
};

portalForm?.addEventListener("submit", async (event) => {
  event.preventDefault();
  setLoading(true);
  errorAlert.hidden = true;
  try {
    const response = await fetch(portalForm.action, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ returnUrl: `${window.location.origin}/settings/billing` }),
    });
    const body = await response.json().catch(() => null);
    if (!body?.success) throw new Error(body?.error?.message ?? `HTTP ${response.status}`);
    window.location.href = body.data.url;
  } catch (error) {
    errorAlert.textContent = `Could not open the billing portal: ${error.message}`;
    errorAlert.hidden = false;
    setLoading(false);
  }
});

// Back from the portal, the browser may restore the page as it was left: "Opening…".
window.addEventListener("pageshow", (event) => {
  if (event.persisted && portalForm) setLoading(false);
});
