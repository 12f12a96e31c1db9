import type { Deps } from "../platform/deps.ts";
import type { Logger } from "../platform/logger.ts";
import { orderLifecycle, type OrderStatus } from "../platform/lifecycle/lifecycles.ts";
import { recordOrderDispute } from "../orders/order-hold.ts";
import { cancelChargedBackGifts, releaseHeldGifts } from "../fulfillment/dispute-hold.ts";
import { cancelWaitingRefunds, resendWaitingRefunds } from "./refunds.ts";

/**
 * Disputes of a buyer's payment, as Stripe reports them (every `charge.dispute.*` event
 * carries the dispute as it now stands). While one is open the order is on hold
 * (orders/order-hold.ts). When it closes:
 * - won, or an inquiry that closed, or prevented: the hold ends and what it kept back goes
 *   out (gift emails, Shopify orders, refunds that were waiting);
 * - lost: the card issuer returned the money to the buyer, so the gifts not yet ordered
 *   from the brand are canceled without a refund, refunds still waiting are canceled (the
 *   chargeback paid them), and the order becomes `charged_back`.
 * Events may come twice or out of order: a closed dispute is never reopened, and each
 * outcome is applied once, in the transaction that records the close.
 */
export const OPEN_DISPUTE_STATUSES = ["warning_needs_response", "warning_under_review", "needs_response", "under_review"] as const;
const RELEASING = ["won", "warning_closed", "prevented"];

export interface StripeDispute {
  id: string;
  status?: unknown;
  amount?: unknown;
  payment_intent?: unknown;
}

export type DisputeOutcome = "opened" | "updated" | "released" | "charged_back" | "ignored";

interface OrderRow {
  id: string;
  status: OrderStatus;
  version: number;
  disputed_at: Date | null;
  dispute_closed_at: Date | null;
  stripe_dispute_id: string | null;
}

export async function syncDispute(deps: Pick<Deps, "db" | "jobs">, dispute: StripeDispute, log: Logger, eventType: string): Promise<DisputeOutcome> {
  const pi = typeof dispute.payment_intent === "string" ? dispute.payment_intent : "";
  // Stripe always sends the status; without one, only the opening is clear.
  const status = typeof dispute.status === "string" ? dispute.status : eventType === "charge.dispute.created" ? "needs_response" : undefined;
  const amount = typeof dispute.amount === "number" && Number.isInteger(dispute.amount) ? dispute.amount : null;
  if (!pi || !status) return "ignored";
  const open = (OPEN_DISPUTE_STATUSES as readonly string[]).includes(status);
  const outcome = await deps.db.prisma.$transaction(async (tx) => {
    const [order] = await tx.$queryRawUnsafe<OrderRow[]>(
      `SELECT id::text, status::text AS status, version, disputed_at, dispute_closed_at, stripe_dispute_id
       FROM gift_order WHERE stripe_payment_intent_id = $1 FOR UPDATE`,
      pi,
    );
    if (!order) return "ignored" as const;
    // A closed dispute stays closed: a late `created` or `updated` changes nothing.
    if (order.dispute_closed_at && order.stripe_dispute_id === dispute.id) return "ignored" as const;
    const opening = order.disputed_at === null || order.stripe_dispute_id !== dispute.id;
    await recordOrderDispute(tx, order.id, { disputeId: dispute.id, status, amount, opening, open });
    if (opening) await audit(tx, order.id, "gift_order.disputed", { dispute: dispute.id, status });
    if (open) return opening ? ("opened" as const) : ("updated" as const);

    await audit(tx, order.id, `gift_order.dispute_${status}`, { dispute: dispute.id });
    if (RELEASING.includes(status)) {
      const released = await releaseHeldGifts(deps, tx, order.id, dispute.id);
      const refunds = await resendWaitingRefunds(deps, tx, order.id, dispute.id);
      log.info({ order: order.id, dispute: dispute.id, status, ...released, refunds }, "dispute closed: order released");
      return "released" as const;
    }
    // Lost (or a status Stripe adds later that is not a win: treated as lost, the safe side).
    const canceled = await cancelChargedBackGifts(tx, order.id, `payment charged back (dispute ${dispute.id})`);
    await cancelWaitingRefunds(tx, order.id, `not sent: the buyer was repaid by the chargeback (dispute ${dispute.id})`);
    // The order's row is locked since the first statement: its version is the one read.
    if (orderLifecycle.canMove(order.status, "charged_back")) {
      await orderLifecycle.transition(tx, { id: order.id, to: "charged_back", expectedVersion: order.version, actor: "stripe", reason: `dispute ${dispute.id} lost` });
    }
    log.warn({ order: order.id, dispute: dispute.id, canceled }, "dispute lost: order charged back, gifts not yet ordered canceled");
    return "charged_back" as const;
  });
  if (outcome === "opened") log.warn({ dispute: dispute.id, status }, "payment disputed: the order's gifts are on hold");
  return outcome;
}

function audit(tx: { auditLog: { create(args: { data: object }): Promise<unknown> } }, orderId: string, action: string, data: Record<string, unknown>) {
  return tx.auditLog.create({ data: { actor: "stripe", action, entity: "gift_order", entityId: orderId, data } });
}
