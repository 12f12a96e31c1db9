import { defineLifecycle } from "./lifecycle.ts";

export type OrderStatus = "awaiting_payment" | "payment_failed" | "paid" | "canceled" | "refunded" | "charged_back";

/** A gift order: paid once by the buyer, then split into units. */
export const orderLifecycle = defineLifecycle<OrderStatus>({
  entity: "gift_order",
  table: "gift_order",
  statusType: "GiftOrderStatus",
  transitions: {
    awaiting_payment: ["paid", "payment_failed", "canceled"],
    payment_failed: ["awaiting_payment", "paid", "canceled"],
    // charged_back: a dispute of the payment was lost (payments/disputes.ts).
    paid: ["refunded", "charged_back"],
    canceled: [],
    refunded: [],
    charged_back: [],
  },
});

export type UnitStatus = "issued" | "sent" | "redeemed" | "pushed" | "shipped" | "delivered" | "expired" | "canceled";

/** One recipient's gift. Redemption is single-use: only issued/sent units can be redeemed. */
export const unitLifecycle = defineLifecycle<UnitStatus>({
  entity: "fulfillment_unit",
  table: "fulfillment_unit",
  statusType: "UnitStatus",
  transitions: {
    issued: ["sent", "redeemed", "expired", "canceled"],
    sent: ["redeemed", "expired", "canceled"],
    redeemed: ["pushed", "canceled"],
    pushed: ["shipped", "delivered", "canceled"],
    // Canceled after shipping: the brand's Shopify order was canceled, so the brand did not
    // ship it after all (a share already paid is taken back: payouts/reversals.ts).
    shipped: ["delivered", "canceled"],
    delivered: ["canceled"],
    expired: [],
    canceled: [],
  },
});
