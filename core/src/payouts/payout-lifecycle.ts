import { defineLifecycle } from "../platform/lifecycle/lifecycle.ts";

export type PayoutStatus = "draft" | "approved" | "transferring" | "paid" | "failed" | "needs_attention";
export const PAYOUT_STATUSES: readonly PayoutStatus[] = ["draft", "approved", "transferring", "paid", "failed", "needs_attention"];

/**
 * A payout: made as draft (the operator approves it when approval is on) or approved; its
 * transfers run while transferring; paid when Stripe confirmed every transfer. A Stripe
 * refusal that retrying cannot fix (no such destination, a currency the account cannot
 * receive) leaves it needing attention; a failure after the job's attempts leaves it failed.
 * Either goes back to transferring when the operator retries it.
 */
export const payoutLifecycle = defineLifecycle<PayoutStatus>({
  entity: "payout",
  table: "payout",
  statusType: "PayoutStatus",
  transitions: {
    draft: ["approved"],
    approved: ["transferring"],
    transferring: ["paid", "failed", "needs_attention"],
    failed: ["transferring"],
    needs_attention: ["transferring"],
    paid: [],
  },
});
