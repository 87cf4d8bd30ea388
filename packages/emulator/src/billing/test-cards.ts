/**
 * Stripe's documented test cards. The API takes them as `pm_card_*` tokens; the hosted
 * pages take the card numbers. Declining cards still attach: Stripe (and the emulator)
 * decline them when a charge is attempted.
 */

export type CardDecline = {
  code: string;
  decline_code: string;
  message: string;
};

/**
 * Strong Customer Authentication: `always` cards need 3-D Secure on every payment;
 * `unless_set_up` ones only until the card has been set up for off-session use (a
 * SetupIntent, or a payment with `setup_future_usage=off_session` that was authenticated).
 */
export type CardAuthentication = "always" | "unless_set_up";

export type TestCard = {
  number: string;
  brand: "visa" | "mastercard" | "amex" | "discover";
  funding: "credit" | "debit";
  country: string;
  decline: CardDecline | null;
  authentication?: CardAuthentication;
};

const GENERIC_DECLINE: CardDecline = {
  code: "card_declined",
  decline_code: "generic_decline",
  message: "Your card was declined.",
};

const card = (
  number: string,
  brand: TestCard["brand"],
  decline: CardDecline | null = null,
  funding: TestCard["funding"] = "credit",
): TestCard => ({ number, brand, funding, country: "US", decline });

const authenticationCard = (number: string, authentication: CardAuthentication): TestCard => ({
  ...card(number, "visa"),
  authentication,
});

const CARDS = {
  visa: card("4242424242424242", "visa"),
  visaDebit: card("4000056655665556", "visa", null, "debit"),
  mastercard: card("5555555555554444", "mastercard"),
  mastercardDebit: card("5200828282828210", "mastercard", null, "debit"),
  amex: card("378282246310005", "amex"),
  discover: card("6011111111111117", "discover"),
  declined: card("4000000000000002", "visa", GENERIC_DECLINE),
  // 0341 attaches to a customer and fails only when charged.
  attachThenDecline: card("4000000000000341", "visa", GENERIC_DECLINE),
  insufficientFunds: card("4000000000009995", "visa", {
    code: "card_declined",
    decline_code: "insufficient_funds",
    message: "Your card has insufficient funds.",
  }),
  lost: card("4000000000009987", "visa", { ...GENERIC_DECLINE, decline_code: "lost_card" }),
  stolen: card("4000000000009979", "visa", { ...GENERIC_DECLINE, decline_code: "stolen_card" }),
  expired: card("4000000000000069", "visa", {
    code: "expired_card",
    decline_code: "expired_card",
    message: "Your card has expired.",
  }),
  incorrectCvc: card("4000000000000127", "visa", {
    code: "incorrect_cvc",
    decline_code: "incorrect_cvc",
    message: "Your card's security code is incorrect.",
  }),
  threeDSecureRequired: authenticationCard("4000000000003063", "always"),
  threeDSecure2Required: authenticationCard("4000000000003220", "always"),
  authenticationRequired: authenticationCard("4000002760003184", "always"),
  authenticationRequiredOnSetup: authenticationCard("4000002500003155", "unless_set_up"),
} satisfies Record<string, TestCard>;

/** `pm_card_*` tokens as Stripe names them (`pm_card_visa`, `pm_card_chargeDeclined`, …). */
const TOKENS: Record<string, TestCard> = {
  pm_card_visa: CARDS.visa,
  pm_card_visa_debit: CARDS.visaDebit,
  pm_card_mastercard: CARDS.mastercard,
  pm_card_mastercard_debit: CARDS.mastercardDebit,
  pm_card_amex: CARDS.amex,
  pm_card_discover: CARDS.discover,
  pm_card_chargeDeclined: CARDS.declined,
  pm_card_visa_chargeDeclined: CARDS.attachThenDecline,
  pm_card_chargeCustomerFail: CARDS.attachThenDecline,
  pm_card_chargeDeclinedInsufficientFunds: CARDS.insufficientFunds,
  pm_card_chargeDeclinedLostCard: CARDS.lost,
  pm_card_chargeDeclinedStolenCard: CARDS.stolen,
  pm_card_chargeDeclinedExpiredCard: CARDS.expired,
  pm_card_chargeDeclinedIncorrectCvc: CARDS.incorrectCvc,
  pm_card_threeDSecureRequired: CARDS.threeDSecureRequired,
  pm_card_threeDSecure2Required: CARDS.threeDSecure2Required,
  pm_card_authenticationRequired: CARDS.authenticationRequired,
  pm_card_authenticationRequiredOnSetup: CARDS.authenticationRequiredOnSetup,
  // Stripe's `tok_*` equivalents are accepted wherever a card token is.
  tok_visa: CARDS.visa,
  tok_mastercard: CARDS.mastercard,
  tok_amex: CARDS.amex,
  tok_chargeDeclined: CARDS.declined,
};

const BY_NUMBER = new Map(Object.values(CARDS).map((entry) => [entry.number, entry]));

export function isCardToken(value: string): boolean {
  return value in TOKENS;
}

/** Resolves a token or a card number (spaces and dashes allowed, as people type them). */
export function findTestCard(numberOrToken: string): TestCard | undefined {
  const token = TOKENS[numberOrToken];
  if (token) return token;
  return BY_NUMBER.get(numberOrToken.replace(/[\s-]/g, ""));
}

/** Every test card by its number, for documentation and the hosted pages' hints. */
export function listTestCards(): readonly TestCard[] {
  return [...BY_NUMBER.values()];
}
