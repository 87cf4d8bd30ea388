import qs from "qs";

/** A decoded form: strings at the leaves, bracket notation turned into objects and arrays. */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormData = Record<string, FormValue>;

const PARSE_OPTIONS: qs.IParseOptions = {
  // Stripe nests up to `flow_data[subscription_update_confirm][items][0][price]` and deeper.
  depth: 10,
  // qs turns indices above arrayLimit into object keys; Stripe accepts long item arrays.
  arrayLimit: 1000,
  parameterLimit: 10_000,
  allowPrototypes: false,
};

/** Parses `application/x-www-form-urlencoded` bodies and query strings the way Stripe does. */
export function parseForm(text: string): FormData {
  if (!text) return {};
  return qs.parse(text, PARSE_OPTIONS) as FormData;
}
