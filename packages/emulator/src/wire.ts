import type Stripe from "stripe";

/**
 * An SDK type as it travels over HTTP. The SDK turns decimal strings (`unit_amount_decimal`)
 * into `Stripe.Decimal` objects while parsing; the emulator must send plain strings.
 * Primitives are matched first so branded open enums (`string & {}`) stay intact.
 */
export type Wire<T> = T extends string | number | boolean | bigint | null | undefined
  ? T
  : T extends Stripe.Decimal
    ? string
    : T extends readonly (infer U)[]
      ? Wire<U>[]
      : { [K in keyof T]: Wire<T[K]> };
