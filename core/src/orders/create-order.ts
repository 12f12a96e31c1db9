import { createHash } from "node:crypto";
import type { Deps } from "../platform/deps.ts";
import { isUniqueViolation } from "../platform/db/errors.ts";
import type { BuyerContext } from "../buyers/buyer-context.ts";
import { storefrontView } from "../storefronts/storefront-view.ts";
import { allRowErrors, priceOrder, type PricedRecipient, type Quote } from "./pricing.ts";
import { parseRecipients, type RowError } from "./recipients.ts";
import type { ReminderSettings } from "../reminders/reminder-settings.ts";
import { crossTenantTransaction } from "../platform/db/tenant-scope.ts";

export interface CreateOrderInput {
  storefront: string;
  offerId?: string;
  recipients: unknown[];
  senderName?: string;
  buyerReference?: string;
  /** When recipients who have not redeemed are reminded (default: the brand's setting). */
  reminders?: ReminderSettings;
  idempotencyKey?: string;
}

export type CreateOrderResult =
  | { ok: true; orderId: string; quote: Quote; replayed: boolean }
  | { ok: false; code: "storefront_not_found" }
  | { ok: false; code: "invalid_recipients"; errors: RowError[] }
  | { ok: false; code: "idempotency_mismatch" };

/**
 * Creates a gift order awaiting payment: the order and every recipient row in one
 * transaction, or nothing at all when any row is invalid. With an idempotency key, a
 * retried request returns the order the first one made, and any other request under the
 * same key is refused (its fingerprint differs), also when the two race.
 */
export async function createOrder(
  ctx: BuyerContext,
  deps: Pick<Deps, "db">,
  input: CreateOrderInput,
  now = new Date(),
): Promise<CreateOrderResult> {
  // The brand's storefront and shipping rates are public: read across tenants.
  const view = await storefrontView(deps.db, input.storefront, now);
  if (!view) return { ok: false, code: "storefront_not_found" };
  const parsed = parseRecipients(input.recipients);
  const rates = await deps.db.prisma.shippingRule.findMany({ where: { vendorId: view.vendorId } });
  const priced = priceOrder(view, rates, { offerId: input.offerId, recipients: parsed.recipients }, now);
  const errors = allRowErrors(parsed.errors, priced.ok ? [] : priced.errors);
  if (errors.length || !priced.ok) return { ok: false, code: "invalid_recipients", errors };
  const { quote, recipients } = priced;

  const fingerprint = input.idempotencyKey ? requestFingerprint(view.id, input, recipients) : null;
  const replay = async (): Promise<CreateOrderResult | undefined> => {
    const prior = await ctx.db.prisma.giftOrder.findUnique({
      where: { buyerOrgId_idempotencyKey: { buyerOrgId: ctx.tenant.buyerOrgId, idempotencyKey: input.idempotencyKey! } },
      select: { id: true, idempotencyFingerprint: true },
    });
    if (!prior) return undefined;
    return prior.idempotencyFingerprint === fingerprint ? { ok: true, orderId: prior.id, quote, replayed: true } : { ok: false, code: "idempotency_mismatch" };
  };
  if (input.idempotencyKey) {
    const prior = await replay();
    if (prior) return prior;
  }

  const record = { input, quote, recipients, storefrontId: view.id, fingerprint };
  let orderId: string;
  try {
    orderId = await insertOrder(ctx, record);
  } catch (err) {
    // Two concurrent requests with one idempotency key: the loser answers with the winner's
    // order when it asked for the same, else it is refused like any other mismatch.
    if (input.idempotencyKey && isUniqueViolation(err)) {
      const prior = await replay();
      if (prior) return prior;
    }
    throw err;
  }
  return { ok: true, orderId, quote, replayed: false };
}

async function insertOrder(
  ctx: BuyerContext,
  { input, quote, recipients, storefrontId, fingerprint }: {
    input: CreateOrderInput;
    quote: Quote;
    recipients: PricedRecipient[];
    storefrontId: string;
    fingerprint: string | null;
  },
): Promise<string> {
  // The order's gifts are the brands' rows, written with the buyer's order: across tenants.
  return crossTenantTransaction(ctx.db.prisma, async (tx) => {
    const order = await tx.giftOrder.create({
      data: {
        buyerOrgId: ctx.tenant.buyerOrgId,
        storefrontId,
        currency: quote.currency,
        itemsAmount: quote.itemsAmount,
        shippingAmount: quote.shippingAmount,
        totalAmount: quote.totalAmount,
        recipientCount: quote.recipientCount,
        senderName: input.senderName ?? null,
        buyerReference: input.buyerReference ?? null,
        ...(input.reminders ? { reminderSettings: { afterSentDays: input.reminders.afterSentDays, beforeExpiryDays: input.reminders.beforeExpiryDays } } : {}),
        idempotencyKey: input.idempotencyKey ?? null,
        idempotencyFingerprint: fingerprint,
      },
    });
    // One statement for any number of recipients (10,000 rows in one round trip).
    await tx.$executeRawUnsafe(
      `INSERT INTO order_recipient (id, order_id, row, offer_id, name, email, phone, message, country, send_at, amount, shipping_amount)
       SELECT gen_random_uuid(), $1::uuid, r.row, r.offer_id::uuid, r.name, r.email, r.phone, r.message, r.country,
              r.send_at::timestamptz, r.amount, r.shipping_amount
       FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[], $11::int[])
         AS r(row, offer_id, name, email, phone, message, country, send_at, amount, shipping_amount)`,
      order.id,
      recipients.map((r) => r.row),
      recipients.map((r) => r.offerId),
      recipients.map((r) => r.name),
      recipients.map((r) => r.email),
      recipients.map((r) => r.phone ?? null),
      recipients.map((r) => r.message ?? null),
      recipients.map((r) => r.country ?? null),
      recipients.map((r) => r.sendAtDate?.toISOString() ?? null),
      recipients.map((r) => r.amount),
      recipients.map((r) => r.shippingAmount),
    );
    await tx.auditLog.create({
      data: {
        actor: ctx.actor,
        action: "gift_order.created",
        entity: "gift_order",
        entityId: order.id,
        requestId: ctx.requestId ?? null,
        data: { recipients: quote.recipientCount, total: quote.totalAmount, currency: quote.currency },
      },
    });
    return order.id;
  });
}

/**
 * What makes two create requests the same order: the storefront, the order's own fields and
 * every recipient as checked (normalised, so that a retry of the same order as JSON or as
 * CSV, or with other spacing or letter case in emails, matches), in order.
 */
export function requestFingerprint(storefrontId: string, input: CreateOrderInput, recipients: PricedRecipient[]): string {
  const hash = createHash("sha256");
  // Reminders only when given, so that the fingerprints of orders without them stay as they were.
  hash.update(JSON.stringify([storefrontId, input.offerId ?? null, input.senderName ?? null, input.buyerReference ?? null, ...(input.reminders ? [input.reminders] : [])]));
  for (const r of recipients) {
    hash.update(JSON.stringify([r.offerId, r.name, r.email, r.phone ?? null, r.message ?? null, r.country ?? null, r.sendAtDate?.toISOString() ?? null]));
  }
  return hash.digest("hex");
}
