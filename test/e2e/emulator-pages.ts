import type { Page } from "playwright-core";

/** What a customer types on the emulator's hosted pages (emulator/pages/), by their labels. */

export const CARDS = {
  visa: "4242 4242 4242 4242",
  mastercard: "5555 5555 5555 4444",
  declined: "4000 0000 0000 0002",
} as const;

/** The hosted Checkout form; the caller presses Subscribe. */
export async function fillCheckoutForm(page: Page, card: string, email: string): Promise<void> {
  await page.getByRole("heading", { level: 1, name: "Checkout" }).waitFor();
  // Checkout for a known customer may show the email read-only.
  const emailField = page.getByLabel("Email");
  if (await emailField.isEditable()) await emailField.fill(email);
  await page.getByLabel("Card number").fill(card);
  await page.getByLabel("Expiration").fill("12 / 34");
  await page.getByLabel("CVC").fill("123");
  await page.getByLabel("Cardholder name").fill("Grace Hopper");
}

/** The portal's "Add payment method" screen; the caller presses Add card. */
export async function fillPortalCardForm(page: Page, card: string): Promise<void> {
  await page.getByRole("heading", { level: 1, name: "Add payment method" }).waitFor();
  await page.getByLabel("Card number").fill(card);
  await page.getByLabel("Expiration").fill("12 / 34");
  await page.getByLabel("CVC").fill("123");
}

/** The portal's link back to the app: "Return to 127.0.0.1:41234". */
export const returnLinkName = (appUrl: string) => `Return to ${new URL(appUrl).host}`;
