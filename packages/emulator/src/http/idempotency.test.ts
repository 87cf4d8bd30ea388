import { describe, expect, it } from "vitest";
import { createStore } from "../store.js";
import { claimIdempotencyKey, MAX_KEYS_PER_ACCOUNT } from "./idempotency.js";

function claimAndComplete(
  account: ReturnType<ReturnType<typeof createStore>["getAccount"]>,
  key: string,
  nowMs: number,
) {
  const claim = claimIdempotencyKey(account, key, "POST /v1/customers\n", nowMs);
  if (claim.kind === "fresh") claim.complete({ status: 200, body: "{}", requestId: key });
  return claim.kind;
}

describe("idempotency key retention", () => {
  it("forgets a key after 24 hours", () => {
    const account = createStore().getAccount("acct_idem", false);
    expect(claimAndComplete(account, "k", 0)).toBe("fresh");
    expect(claimAndComplete(account, "k", 23 * 3600_000)).toBe("replay");
    expect(claimAndComplete(account, "k", 24 * 3600_000 + 1)).toBe("fresh");
  });

  it("keeps at most MAX_KEYS_PER_ACCOUNT keys, dropping the oldest", () => {
    const account = createStore().getAccount("acct_idem", false);
    for (let i = 0; i <= MAX_KEYS_PER_ACCOUNT; i++) claimAndComplete(account, `k${i}`, 1000);
    expect(claimAndComplete(account, `k${MAX_KEYS_PER_ACCOUNT}`, 1000)).toBe("replay");
    expect(claimAndComplete(account, "k0", 1000)).toBe("fresh");
  });
});
