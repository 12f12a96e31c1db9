import type { Deps } from "../platform/deps.ts";
import type { BuyerContext } from "../buyers/buyer-context.ts";
import { unitLifecycle } from "../platform/lifecycle/lifecycles.ts";
import { refundUnitShare } from "../payments/refunds.ts";
import { orderOnHoldSql } from "../orders/order-hold.ts";
import { crossTenantTransaction } from "../platform/db/tenant-scope.ts";

export type CancelResult =
  | { ok: true; refundAmount: number; currency: string }
  | { ok: false; code: "not_found" | "not_cancelable" | "order_disputed" };

/**
 * A buyer cancels one recipient's gift before it is redeemed: the unit is canceled and its
 * share (offer price + shipping) is refunded, in one transaction with the refund's job.
 */
export async function cancelUnit(ctx: BuyerContext, deps: Pick<Deps, "jobs">, orderId: string, unitId: string): Promise<CancelResult> {
  // The gift is the brand's row: the buyer reaches it through its own order, across tenants.
  return crossTenantTransaction(ctx.db.prisma, async (tx) => {
    const [unit] = await tx.$queryRawUnsafe<Array<{ status: string; version: number; amount: number; currency: string; on_hold: boolean }>>(
      `SELECT u.status::text, u.version, u.amount, u.currency, ${orderOnHoldSql("o")} AS on_hold FROM fulfillment_unit u JOIN gift_order o ON o.id = u.order_id
       WHERE u.id = $1::uuid AND u.order_id = $2::uuid AND o.buyer_org_id = $3::uuid FOR UPDATE OF u`,
      unitId,
      orderId,
      ctx.tenant.buyerOrgId,
    );
    if (!unit) return { ok: false, code: "not_found" } as const;
    if (unit.status !== "issued" && unit.status !== "sent") return { ok: false, code: "not_cancelable" } as const;
    // Stripe does not refund a disputed payment: the dispute decides what happens to the gift.
    if (unit.on_hold) return { ok: false, code: "order_disputed" } as const;
    await unitLifecycle.transition(tx, { id: unitId, to: "canceled", expectedVersion: unit.version, actor: ctx.actor, reason: "canceled by buyer" });
    await refundUnitShare(deps, tx, { id: unitId, orderId, amount: unit.amount, currency: unit.currency }, "canceled by buyer");
    return { ok: true, refundAmount: unit.amount, currency: unit.currency } as const;
  });
}
