import type { TxSql } from "../platform/lifecycle/lifecycle.ts";

export interface RefundedOrder {
  status: string;
  version: number;
  refunded_amount: number;
  total_amount: number;
}

/**
 * Adds a refund Stripe confirmed to the order's refunded amount, in the caller's transaction;
 * returns the order as it now stands (undefined when there is no such order).
 */
export async function addRefundedAmount(tx: TxSql, orderId: string, amount: number): Promise<RefundedOrder | undefined> {
  const [o] = await tx.$queryRawUnsafe<RefundedOrder[]>(
    `UPDATE gift_order SET refunded_amount = refunded_amount + $2, updated_at = now() WHERE id = $1::uuid
     RETURNING status::text, version, refunded_amount, total_amount`,
    orderId,
    amount,
  );
  return o;
}
