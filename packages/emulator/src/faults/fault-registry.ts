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
  /**
   * Removes an account's rules, or with `null` the global ones. Requests their latency or
   * timeout is still holding go on at once, so a test can stall a call for as long as it needs.
   */
  clear(account: string | null): number;
  /** Waits `ms`, or less if one of `rules` is cleared first. */
  hold(rules: readonly FaultRule[], ms: number): Promise<void>;
};

export function createFaultRegistry(initial: readonly FaultRuleInput[] = []): FaultRegistry {
  let rules = initial.map(createFaultRule);
  const releases = new Map<string, Set<() => void>>();
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
      const cleared = rules.filter((rule) => rule.account === account);
      rules = rules.filter((rule) => rule.account !== account);
      for (const rule of cleared) {
        for (const release of releases.get(rule.id) ?? []) release();
        releases.delete(rule.id);
      }
      return cleared.length;
    },
    hold(held, ms) {
      return new Promise<void>((resolve) => {
        const release = () => {
          clearTimeout(timer);
          for (const rule of held) releases.get(rule.id)?.delete(release);
          resolve();
        };
        const timer = setTimeout(release, ms);
        for (const rule of held) {
          const waiting = releases.get(rule.id) ?? new Set();
          waiting.add(release);
          releases.set(rule.id, waiting);
        }
      });
    },
  };
}
