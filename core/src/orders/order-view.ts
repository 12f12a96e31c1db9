import type { OrderStatus } from "../platform/lifecycle/lifecycles.ts";
import type { Database } from "../platform/db/connect.ts";
import type { Deps } from "../platform/deps.ts";
import type { BuyerContext } from "../buyers/buyer-context.ts";
import { isOnHold } from "./order-hold.ts";
import { DEFAULT_REMINDERS, type ReminderSettings } from "../reminders/reminder-settings.ts";

/**
 * A buyer's view of their orders: totals, status, and each recipient with their gift's
 * state once the order is paid. Read through the buyer's context (`ctx.db` is bound to the
 * buyer): another buyer's order is simply not found.
 */
export interface RecipientView {
  row: number;
  name: string;
  email: string;
  offerId: string;
  amount: number;
  sendAt: string | null;
  unit: {
    id: string;
    status: string;
    sentAt: string | null;
    expiresAt: string;
    redeemedAt: string | null;
    tracking: { carrier: string | null; number: string | null; url: string | null } | null;
    /** The recipient's thank-you note, once they sent one. */
    thankYou: { message: string; sentAt: string } | null;
  } | null;
}

export interface OrderSummary {
  id: string;
  status: OrderStatus;
  currency: string;
  itemsAmount: number;
  shippingAmount: number;
  totalAmount: number;
  refundedAmount: number;
  recipientCount: number;
  /** When this order's recipients are reminded (the order's own setting, else the brand's, else the platform's). */
  reminders: ReminderSettings;
  /** A dispute of the payment is open: the gifts are on hold (order-hold.ts). */
  disputed: boolean;
  dispute: { status: string; amount: number | null; openedAt: string; closedAt: string | null } | null;
  buyerReference: string | null;
  createdAt: string;
  paidAt: string | null;
}

type OrderRow = Awaited<ReturnType<Database["prisma"]["giftOrder"]["findFirstOrThrow"]>>;

function summary(o: OrderRow, brandReminders: unknown): OrderSummary {
  return {
    id: o.id,
    status: o.status,
    currency: o.currency,
    itemsAmount: o.itemsAmount,
    shippingAmount: o.shippingAmount,
    totalAmount: o.totalAmount,
    refundedAmount: o.refundedAmount,
    recipientCount: o.recipientCount,
    reminders: (o.reminderSettings ?? brandReminders ?? DEFAULT_REMINDERS) as ReminderSettings,
    disputed: isOnHold(o),
    dispute: o.disputedAt
      ? { status: o.disputeStatus ?? "needs_response", amount: o.disputeAmount, openedAt: o.disputedAt.toISOString(), closedAt: o.disputeClosedAt?.toISOString() ?? null }
      : null,
    buyerReference: o.buyerReference,
    createdAt: o.createdAt.toISOString(),
    paidAt: o.paidAt?.toISOString() ?? null,
  };
}

/**
 * The brand defaults of the orders' storefronts' vendors, by storefront id (only for orders
 * without their own): a brand's setting, read across tenants with the process's handle.
 */
async function brandReminders(db: Database, orders: OrderRow[]): Promise<Map<string, unknown>> {
  const ids = [...new Set(orders.filter((o) => o.reminderSettings === null).map((o) => o.storefrontId))];
  if (ids.length === 0) return new Map();
  const rows = await db.sql.query<{ id: string; settings: unknown }>(
    "SELECT s.id::text, v.reminder_settings AS settings FROM storefront s JOIN vendor v ON v.id = s.vendor_id WHERE s.id = ANY($1::uuid[])",
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r.settings]));
}

async function summaries(db: Database, orders: OrderRow[]): Promise<OrderSummary[]> {
  const brand = await brandReminders(db, orders);
  return orders.map((o) => summary(o, brand.get(o.storefrontId)));
}

type Platform = Pick<Deps, "db">;

export async function getOrderSummary(ctx: BuyerContext, deps: Platform, orderId: string): Promise<OrderSummary | undefined> {
  const o = await ctx.db.prisma.giftOrder.findFirst({ where: { id: orderId } });
  return o ? (await summaries(deps.db, [o]))[0] : undefined;
}

export async function listOrders(ctx: BuyerContext, deps: Platform, opts: { limit: number; before?: Date }): Promise<OrderSummary[]> {
  const rows = await ctx.db.prisma.giftOrder.findMany({
    where: opts.before ? { createdAt: { lt: opts.before } } : {},
    orderBy: { createdAt: "desc" },
    take: opts.limit,
  });
  return summaries(deps.db, rows);
}

export async function getOrder(
  ctx: BuyerContext,
  deps: Platform,
  orderId: string,
  page: { afterRow: number; limit: number },
): Promise<(OrderSummary & { units: Record<string, number>; recipients: RecipientView[]; nextAfterRow: number | null }) | undefined> {
  const { db } = ctx;
  const order = await db.prisma.giftOrder.findFirst({ where: { id: orderId } });
  if (!order) return undefined;
  // The whole order at a glance (10,000 recipients do not fit on one page): gifts per status.
  const counts = await db.prisma.fulfillmentUnit.groupBy({ by: ["status"], where: { orderId }, _count: { _all: true } });
  const recipients = await db.prisma.orderRecipient.findMany({
    where: { orderId, row: { gt: page.afterRow } },
    orderBy: { row: "asc" },
    take: page.limit,
  });
  const units = await db.prisma.fulfillmentUnit.findMany({ where: { recipientId: { in: recipients.map((r) => r.id) } } });
  const unitOf = new Map(units.map((u) => [u.recipientId, u]));
  const last = recipients.at(-1);
  return {
    ...(await summaries(deps.db, [order]))[0]!,
    units: Object.fromEntries(counts.map((c) => [c.status, c._count._all])),
    nextAfterRow: last && last.row < order.recipientCount ? last.row : null,
    recipients: recipients.map((r) => {
      const u = unitOf.get(r.id);
      return {
        row: r.row,
        name: r.name,
        email: r.email,
        offerId: r.offerId,
        amount: r.amount,
        sendAt: r.sendAt?.toISOString() ?? null,
        unit: u
          ? {
              id: u.id,
              status: u.status,
              sentAt: u.sentAt?.toISOString() ?? null,
              expiresAt: u.expiresAt.toISOString(),
              redeemedAt: u.redeemedAt?.toISOString() ?? null,
              tracking: u.trackingNumber ? { carrier: u.trackingCarrier, number: u.trackingNumber, url: u.trackingUrl } : null,
              thankYou: u.thankYouAt && u.thankYouNote ? { message: u.thankYouNote, sentAt: u.thankYouAt.toISOString() } : null,
            }
          : null,
      };
    }),
  };
}
