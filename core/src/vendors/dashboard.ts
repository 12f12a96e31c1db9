import type { VendorContext } from "../platform/use-case.ts";

/**
 * The Home page of the embedded app: key gifting figures and the setup checklist, in one
 * query run as the brand (row-level security shows it only the brand's rows, and of the
 * orders only those holding its gifts).
 */
export interface DashboardFigures {
  /** Paid gift orders with at least one of this vendor's gifts in them. */
  orders: number;
  /** Gifts whose link went out to the recipient. */
  giftsSent: number;
  redeemed: number;
  /** Gifts waiting for the recipient (issued or sent, not yet redeemed, expired or canceled). */
  pending: number;
  /** Redeemed gifts that are in Shopify or on their way. */
  shipped: number;
}

export type ChecklistKey = "catalog" | "offer" | "storefront" | "shipping" | "payouts";

export interface ChecklistItem {
  key: ChecklistKey;
  done: boolean;
  /** Not something the brand can do yet. */
  comingSoon?: boolean;
  /** The payouts step: where the brand's Stripe account stands (payouts/account/status.ts). */
  payoutStatus?: string;
}

export interface Dashboard {
  figures: DashboardFigures;
  checklist: ChecklistItem[];
  /** Counts behind the checklist, for its copy ("214 products synced"). */
  counts: { products: number; giftableProducts: number; offers: number; activeOffers: number; shippingRules: number };
  lastSync: { status: string; finishedAt: Date | null } | null;
}

export async function vendorDashboard(ctx: VendorContext): Promise<Dashboard> {
  const [row] = await ctx.db.sql.query<{
    orders: number;
    sent: number;
    redeemed: number;
    pending: number;
    shipped: number;
    products: number;
    giftable: number;
    offers: number;
    active_offers: number;
    branded: boolean;
    shipping_rules: number;
    sync_status: string | null;
    sync_finished_at: string | Date | null;
    synced_ever: boolean;
    payout_status: string | null;
  }>(
    `WITH u AS (
       SELECT count(DISTINCT u.order_id) FILTER (WHERE o.status IN ('paid', 'refunded'))::int AS orders,
              count(*) FILTER (WHERE u.sent_at IS NOT NULL)::int AS sent,
              count(*) FILTER (WHERE u.redeemed_at IS NOT NULL)::int AS redeemed,
              count(*) FILTER (WHERE u.status IN ('issued', 'sent'))::int AS pending,
              count(*) FILTER (WHERE u.status IN ('pushed', 'shipped', 'delivered'))::int AS shipped
         FROM fulfillment_unit u JOIN gift_order o ON o.id = u.order_id
     ), last_sync AS (
       SELECT status::text AS status, finished_at FROM catalog_sync ORDER BY started_at DESC LIMIT 1
     )
     SELECT u.*,
            (SELECT count(*)::int FROM product WHERE deleted_at IS NULL) AS products,
            (SELECT count(*)::int FROM product WHERE deleted_at IS NULL AND giftable) AS giftable,
            (SELECT count(*)::int FROM gift_offer WHERE status <> 'archived') AS offers,
            (SELECT count(*)::int FROM gift_offer WHERE status = 'active') AS active_offers,
            EXISTS (SELECT 1 FROM storefront
                     WHERE logo_key IS NOT NULL OR welcome_text <> '' OR primary_color <> '#1a1a1a' OR accent_color <> '#008060') AS branded,
            (SELECT count(*)::int FROM shipping_rule) AS shipping_rules,
            (SELECT status FROM last_sync) AS sync_status,
            (SELECT finished_at FROM last_sync) AS sync_finished_at,
            EXISTS (SELECT 1 FROM catalog_sync WHERE status = 'completed') AS synced_ever,
            (SELECT payout_account_status FROM vendor) AS payout_status
       FROM u`,
  );
  const r = row!;
  return {
    figures: { orders: r.orders, giftsSent: r.sent, redeemed: r.redeemed, pending: r.pending, shipped: r.shipped },
    checklist: [
      // A mirror filled by webhooks before any full sync also counts as synced.
      { key: "catalog", done: r.synced_ever || r.products > 0 },
      { key: "offer", done: r.offers > 0 },
      { key: "storefront", done: r.branded },
      { key: "shipping", done: r.shipping_rules > 0 },
      { key: "payouts", done: r.payout_status === "active", payoutStatus: r.payout_status ?? "not_started" },
    ],
    counts: {
      products: r.products,
      giftableProducts: r.giftable,
      offers: r.offers,
      activeOffers: r.active_offers,
      shippingRules: r.shipping_rules,
    },
    lastSync: r.sync_status
      ? { status: r.sync_status, finishedAt: r.sync_finished_at ? new Date(r.sync_finished_at) : null }
      : null,
  };
}
