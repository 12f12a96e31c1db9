import { z } from "@hono/zod-openapi";
import { MAX_RECIPIENTS } from "./recipients.ts";

/** Request shapes shared by the quote (storefronts) and order (orders) routes. */
export const StorefrontSlug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "is not a storefront slug");

const RecipientBody = z
  .object({
    name: z.string(),
    email: z.string(),
    phone: z.string().optional(),
    message: z.string().optional(),
    country: z.string().optional().openapi({ description: "ISO 3166-1 alpha-2; decides the shipping rate." }),
    sendAt: z.string().optional().openapi({
      description:
        "When the gift email goes out (default: at payment): an ISO 8601 date-time, or a date (2026-12-01), sent from the start of that day UTC and at once when that has passed; a date is in the past only once that day has ended everywhere.",
    }),
    offerId: z.string().optional().openapi({ description: "Overrides the order's offerId for this recipient." }),
  })
  .partial()
  // A field this API does not know (quantity, variantId, a typo) is refused, not dropped:
  // the buyer would believe it was ordered.
  .strict()
  .openapi("RecipientInput", { description: "Checked row by row; every problem is reported at once. Unknown fields are refused." });

export const OrderInput = z
  .object({
    offerId: z.uuid().optional().openapi({ description: "The gift for every recipient without its own offerId." }),
    recipients: z.array(RecipientBody).min(1).max(MAX_RECIPIENTS),
  })
  .strict();

/** What a buyer may attach to an order, in the JSON body or the CSV upload's query. */
export const OrderMeta = {
  senderName: z.string().trim().min(1).max(200).optional(),
  buyerReference: z.string().trim().min(1).max(200).optional().openapi({ description: "Your PO or reference." }),
};
