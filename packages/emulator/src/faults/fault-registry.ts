import { createFaultRule, type FaultRule, type FaultRuleInput } from "./fault-rules.js";

/**
 * The active fault rules. Rules from `--fault` apply to every account; rules added through
 * the control route are limited to the caller's account and mode unless made global, so
 * test files sharing one emulator cannot break each other.
 */
export type FaultRegistry = {
  rules: readonly FaultRule[];
  add(input: FaultRuleInput): FaultRule;
  /** Rules that can affect an account: its own and the global ones. */
  visibleTo(account: string): FaultRule[];
  /** Removes an account's rules, or with `null` the global ones. */
  clear(account: string | null): number;
};

export function createFaultRegistry(initial: readonly FaultRuleInput[] = []): FaultRegistry {
  let rules = initial.map(createFaultRule);
  return {
    get rules() {
      return rules;
    },
    add(input) {
      const rule = createFaultRule(input);
      rules = [...rules, rule];
      return rule;
    },
    visibleTo: (account) =>
      rules.filter((rule) => rule.account === null || rule.account === account),
    clear(account) {
      const before = rules.length;
      rules = rules.filter((rule) => rule.account !== account);
      return before - rules.length;
    },
  };
}
