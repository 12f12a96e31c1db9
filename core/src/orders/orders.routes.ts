import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Deps } from "../platform/deps.ts";
import { ProblemError, problemResponses } from "../http/problem.ts";
import { createRouter } from "../http/router.ts";
import { buyerAuth, buyerRequestContext, BUYER_SECURITY_SCHEME, type BuyerEnv } from "../buyers/buyer-auth.ts";
import { OrderInput, OrderMeta, StorefrontSlug } from "./order-input.schema.ts";
import { ReminderSettingsSchema } from "../reminders/reminder-settings.ts";
import { createOrder, type CreateOrderInput, type CreateOrderResult } from "./create-order.ts";
import { startCheckout } from "./checkout.ts";
import { cancelOrder } from "./cancel-order.ts";
import { giftLinksCsv } from "./gift-links.ts";
import { giftLinkUrl, openCode } from "../redemption/codes/codes.ts";
import { qrPng, qrSvg } from "../redemption/codes/qr.ts";
import { cancelUnit } from "../fulfillment/cancel-unit.ts";
import { getOrder, getOrderSummary, listOrders } from "./order-view.ts";
import { csvMediaTypeProblem, decodeCsv, parseRecipientsCsv } from "./recipients-csv.ts";
import { recipientsProblem } from "./row-errors.ts";
import { MAX_RECIPIENTS } from "./recipients.ts";
import { dateTime } from "../http/ranges.ts";

const security = [{ [BUYER_SECURITY_SCHEME]: [] }];
const idempotencyHeader = z.object({
  "idempotency-key": z
    .string()
    .min(8)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces")
    .optional()
    .openapi({ description: "Makes the create safe to retry: the same key returns the same order." }),
});

const OrderSummarySchema = z
  .object({
    id: z.uuid(),
    status: z.enum(["awaiting_payment", "payment_failed", "paid", "canceled", "refunded", "charged_back"]).openapi({
      description: "`charged_back`: the card issuer returned the payment to the buyer (a dispute lost); gifts not yet ordered from the brand were canceled.",
    }),
    currency: z.string(),
    itemsAmount: z.number().int(),
    shippingAmount: z.number().int(),
    totalAmount: z.number().int(),
    refundedAmount: z.number().int(),
    recipientCount: z.number().int(),
    reminders: ReminderSettingsSchema.openapi({ description: "When recipients who have not redeemed are reminded: this order's setting, else the brand's default." }),
    disputed: z.boolean().openapi({
      description: "A dispute of the payment is open: the order's gifts are on hold (no emails, redemptions, brand orders, expiries or refunds) until it closes.",
    }),
    dispute: z
      .object({
        status: z.string().openapi({ description: "Stripe's status of the dispute, e.g. needs_response, under_review, won, lost." }),
        amount: z.number().int().nullable(),
        openedAt: z.iso.datetime(),
        closedAt: z.iso.datetime().nullable(),
      })
      .nullable()
      .openapi({ description: "The payment's dispute, if it was ever disputed." }),
    buyerReference: z.string().nullable(),
    createdAt: z.iso.datetime(),
    paidAt: z.iso.datetime().nullable(),
  })
  .openapi("OrderSummary");

const CreatedSchema = z.object({ order: OrderSummarySchema }).openapi("CreatedOrder");

const createJsonRoute = createRoute({
  method: "post",
  path: "/",
  tags: ["Orders"],
  summary: "Create a gift order for 1 to 10,000 recipients (awaiting payment)",
  description: "Nothing is saved while any recipient row is invalid; all problems are reported at once.",
  security,
  request: {
    headers: idempotencyHeader,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: OrderInput.extend({
            storefront: StorefrontSlug.openapi({ description: "The storefront's slug." }),
            ...OrderMeta,
            reminders: ReminderSettingsSchema.optional().openapi({
              description: "When recipients who have not redeemed are reminded by email; default: the brand's setting (3 and 10 days after sending, 3 days before expiry, unless the brand changed it). Empty lists: no reminders.",
            }),
          }),
        },
      },
    },
  },
  responses: {
    201: { description: "Created.", content: { "application/json": { schema: CreatedSchema } } },
    200: { description: "Replayed: the order an earlier request with this Idempotency-Key created.", content: { "application/json": { schema: CreatedSchema } } },
    ...problemResponses(400, 401, 404, 409, 413, 415, { 422: "Invalid recipients (every row at once) or body." }),
  },
});

const createCsvRoute = createRoute({
  method: "post",
  path: "/csv",
  tags: ["Orders"],
  summary: "Create a gift order from a CSV file of recipients",
  description:
    "Columns (header row, any order, names case-insensitive, each at most once): name, email, and optionally phone, message, country, send_at (ISO date or date-time), offer_id. " +
    "Send the file itself as the request body, UTF-8, with `Content-Type: text/csv` (optionally `; charset=utf-8`); `application/csv`, `text/plain` and `application/vnd.ms-excel` " +
    "(what browsers on Windows call a .csv file) are read the same way. A multipart form upload (`curl -F`) or JSON is refused with 415 `unsupported_media_type`: " +
    "use `curl --data-binary @recipients.csv -H 'Content-Type: text/csv'`. " +
    "Every problem is reported at once: file problems (`csv_encoding`, `csv_unknown_column`, `csv_duplicate_column`, `csv_missing_column`, `csv_empty`) at path `file` or `header`; " +
    "row problems (`csv_column_count`, `csv_syntax`, `required`, `invalid_field`, …) with `row` N = the N-th data row, 1-based, the header not counted (a quoted cell spanning lines is one row).",
  security,
  request: {
    headers: idempotencyHeader,
    query: z.object({
      storefront: StorefrontSlug,
      offerId: z.uuid().optional(),
      ...OrderMeta,
    }),
    body: { required: true, content: { "text/csv": { schema: z.string().openapi({ format: "binary" }) } } },
  },
  responses: {
    201: { description: "Created.", content: { "application/json": { schema: CreatedSchema } } },
    200: { description: "Replayed (same Idempotency-Key).", content: { "application/json": { schema: CreatedSchema } } },
    ...problemResponses(400, 401, 404, 409, 413, {
      415: "The body is not a CSV file sent as `text/csv` (e.g. a multipart upload or JSON), or its charset is not UTF-8 (`unsupported_media_type`).",
      422: "Invalid file or recipients (every row at once).",
    }),
  },
});

const listRoute = createRoute({
  method: "get",
  path: "/",
  tags: ["Orders"],
  summary: "Your orders, newest first",
  security,
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(100).default(25),
      before: dateTime({ offset: false }).optional().openapi({ description: "Cursor: createdAt of the last order of the previous page." }),
    }),
  },
  responses: {
    200: { description: "Orders.", content: { "application/json": { schema: z.object({ items: z.array(OrderSummarySchema) }) } } },
    ...problemResponses(400, 401),
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/{id}",
  tags: ["Orders"],
  summary: "One order with each recipient's status (paged by row)",
  security,
  request: {
    params: z.object({ id: z.uuid() }),
    query: z.object({
      afterRow: z.coerce.number().int().min(0).max(MAX_RECIPIENTS).default(0),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
    }),
  },
  responses: {
    200: {
      description: "The order.",
      content: {
        "application/json": {
          schema: OrderSummarySchema.extend({
            units: z.record(z.string(), z.number().int()).openapi({
              description: "Gifts per status across the whole order (issued, sent, redeemed, pushed, shipped, delivered, expired, canceled); empty until paid.",
              example: { sent: 480, redeemed: 15, expired: 5 },
            }),
            nextAfterRow: z.number().int().nullable(),
            recipients: z.array(
              z.object({
                row: z.number().int(),
                name: z.string(),
                email: z.string(),
                offerId: z.uuid(),
                amount: z.number().int(),
                sendAt: z.iso.datetime().nullable(),
                unit: z
                  .object({
                    id: z.uuid(),
                    status: z.string(),
                    sentAt: z.iso.datetime().nullable(),
                    expiresAt: z.iso.datetime(),
                    redeemedAt: z.iso.datetime().nullable(),
                    tracking: z.object({ carrier: z.string().nullable(), number: z.string().nullable(), url: z.string().nullable() }).nullable(),
                    thankYou: z
                      .object({ message: z.string(), sentAt: z.iso.datetime() })
                      .nullable()
                      .openapi({ description: "The recipient's thank-you note to you, once they sent one (it is also emailed to you)." }),
                  })
                  .nullable(),
              }),
            ),
          }).openapi("Order"),
        },
      },
    },
    ...problemResponses(400, 401, { 404: "No order of yours has this id." }),
  },
});

const cancelOrderRoute = createRoute({
  method: "post",
  path: "/{id}/cancel",
  tags: ["Orders"],
  summary: "Cancel an order that is not paid",
  description:
    "For an order awaiting payment (or whose payment failed): its PaymentIntent, if checkout started one, is canceled at Stripe first, so no payment can go through afterwards. A paid order is not canceled as a whole: cancel its gifts one by one (each refunds its share).",
  security,
  request: { params: z.object({ id: z.uuid() }) },
  responses: {
    200: { description: "Canceled.", content: { "application/json": { schema: z.object({ id: z.uuid(), status: z.literal("canceled") }) } } },
    ...problemResponses(400, 401, {
      404: "No order of yours has this id.",
      409: "The order is paid, canceled or refunded (`not_cancelable`), or Stripe is taking its payment now (`payment_in_progress`).",
    }),
  },
});

const checkoutRoute = createRoute({
  method: "post",
  path: "/{id}/checkout",
  tags: ["Orders"],
  summary: "Pay for an order: returns the Stripe PaymentIntent's client secret",
  description: "Confirm the payment with Stripe.js (or the Stripe API) using the client secret. Calling it again returns the same PaymentIntent.",
  security,
  request: { params: z.object({ id: z.uuid() }) },
  responses: {
    200: {
      description: "The PaymentIntent to confirm.",
      content: {
        "application/json": {
          schema: z
            .object({
              paymentIntentId: z.string(),
              clientSecret: z.string(),
              amount: z.number().int(),
              currency: z.string(),
              sandbox: z
                .object({
                  payUrl: z.string().openapi({ description: "POST it (no body, no key) to pay with the test card `pm_card_visa`; send `payment_method=pm_card_chargeDeclined` to see a decline." }),
                  example: z.string().openapi({ description: "The same as a command to copy." }),
                })
                .optional()
                .openapi({ description: "Sandbox mode only (the local Stripe stand-in): pay this order with a test card in one step." }),
            })
            .openapi("Checkout"),
        },
      },
    },
    ...problemResponses(400, 401, { 404: "No order of yours has this id.", 409: "The order is paid, canceled or refunded (`not_payable`)." }),
  },
});

const cancelUnitRoute = createRoute({
  method: "post",
  path: "/{id}/units/{unitId}/cancel",
  tags: ["Orders"],
  summary: "Cancel one recipient's gift before it is redeemed, refunding its share",
  security,
  request: { params: z.object({ id: z.uuid(), unitId: z.uuid() }) },
  responses: {
    200: {
      description: "Canceled; the refund is on its way.",
      content: { "application/json": { schema: z.object({ status: z.literal("canceled"), refund: z.object({ amount: z.number().int(), currency: z.string() }) }) } },
    },
    ...problemResponses(400, 401, { 404: "No such gift in your order.", 409: "Already redeemed, expired or canceled (`not_cancelable`), or the order's payment is disputed (`order_disputed`)." }),
  },
});

const giftLinksRoute = createRoute({
  method: "get",
  path: "/{id}/gift-links.csv",
  tags: ["Orders"],
  summary: "Download a CSV of the recipients' gift links and codes",
  security,
  request: { params: z.object({ id: z.uuid() }) },
  responses: {
    200: { description: "CSV: row, name, email, status, code, gift_url, expires_at.", content: { "text/csv": { schema: z.string() } } },
    ...problemResponses(400, 401, { 404: "No order of yours has this id." }),
  },
});

const qrRoute = createRoute({
  method: "get",
  path: "/{id}/units/{unitId}/qr",
  tags: ["Orders"],
  summary: "A recipient's gift link as a QR code (SVG or PNG)",
  security,
  request: { params: z.object({ id: z.uuid(), unitId: z.uuid() }), query: z.object({ format: z.enum(["svg", "png"]).default("svg") }) },
  responses: {
    200: { description: "The QR code.", content: { "image/svg+xml": { schema: z.string() }, "image/png": { schema: z.string().openapi({ format: "binary" }) } } },
    ...problemResponses(400, 401, { 404: "No such gift in your order." }),
  },
});

/** Mounted at /v1/orders: the calling buyer's orders only. */
export function orderRoutes(deps: Deps): OpenAPIHono<BuyerEnv> {
  const router = createRouter<BuyerEnv>();
  router.use("*", buyerAuth(deps));

  async function respond(c: Parameters<Parameters<typeof router.openapi>[1]>[0], result: CreateOrderResult, source: "json" | "csv") {
    if (!result.ok) {
      if (result.code === "storefront_not_found") throw new ProblemError(404, "storefront_not_found", "No open storefront has this address.");
      if (result.code === "idempotency_mismatch") {
        throw new ProblemError(409, "idempotency_mismatch", "This Idempotency-Key was used for a different order.");
      }
      throw recipientsProblem(result.errors, source);
    }
    const order = await getOrderSummary(buyerRequestContext(c, deps), deps, result.orderId);
    return c.json({ order: order! }, result.replayed ? 200 : 201);
  }

  router.openapi(createJsonRoute, async (c) => {
    const body = c.req.valid("json");
    const input: CreateOrderInput = { ...body, idempotencyKey: c.req.valid("header")["idempotency-key"] };
    return respond(c, await createOrder(buyerRequestContext(c, deps), deps, input), "json");
  });

  router.openapi(createCsvRoute, async (c) => {
    const q = c.req.valid("query");
    const unsupported = csvMediaTypeProblem(c.req.header("content-type"));
    if (unsupported) throw unsupported;
    const decoded = decodeCsv(await c.req.arrayBuffer());
    if (!decoded.ok) throw recipientsProblem(decoded.errors, "csv");
    const csv = parseRecipientsCsv(decoded.text);
    if (!csv.ok) throw recipientsProblem(csv.errors, "csv");
    const input: CreateOrderInput = { ...q, recipients: csv.rows, idempotencyKey: c.req.valid("header")["idempotency-key"] };
    return respond(c, await createOrder(buyerRequestContext(c, deps), deps, input), "csv");
  });

  router.openapi(checkoutRoute, async (c) => {
    const r = await startCheckout(buyerRequestContext(c, deps), deps, c.req.valid("param").id);
    if (!r.ok) {
      if (r.code === "not_found") throw new ProblemError(404, "not_found", "No order of yours has this id.");
      throw new ProblemError(409, "not_payable", "This order is not awaiting payment.");
    }
    const { ok: _ok, ...body } = r;
    // Sandbox mode: the local Stripe stand-in takes the test card directly (what Stripe.js does in a browser).
    const standIn = deps.config.STRIPE_API_URL;
    if (standIn) {
      const payUrl = `${standIn.replace(/\/$/, "")}/_sandbox/payment_intents/${encodeURIComponent(r.paymentIntentId)}/pay`;
      return c.json({ ...body, sandbox: { payUrl, example: `curl -X POST ${payUrl}` } }, 200);
    }
    return c.json(body, 200);
  });

  router.openapi(cancelOrderRoute, async (c) => {
    const id = c.req.valid("param").id;
    const r = await cancelOrder(buyerRequestContext(c, deps), deps, id);
    if (!r.ok) {
      if (r.code === "not_found") throw new ProblemError(404, "not_found", "No order of yours has this id.");
      if (r.code === "payment_in_progress") throw new ProblemError(409, "payment_in_progress", "The payment for this order has gone through or is being processed; cancel its gifts instead once it is paid.");
      throw new ProblemError(409, "not_cancelable", "Only an order that is not paid can be canceled; cancel a paid order's gifts one by one.");
    }
    return c.json({ id, status: "canceled" as const }, 200);
  });

  router.openapi(cancelUnitRoute, async (c) => {
    const p = c.req.valid("param");
    const r = await cancelUnit(buyerRequestContext(c, deps), deps, p.id, p.unitId);
    if (!r.ok) {
      if (r.code === "not_found") throw new ProblemError(404, "not_found", "No such gift in your order.");
      if (r.code === "order_disputed") {
        throw new ProblemError(409, "order_disputed", "The payment of this order is disputed: its gifts are on hold until the dispute closes, and Stripe cannot refund it meanwhile.");
      }
      throw new ProblemError(409, "not_cancelable", "This gift was already redeemed, expired or canceled.");
    }
    return c.json({ status: "canceled" as const, refund: { amount: r.refundAmount, currency: r.currency } }, 200);
  });

  router.openapi(giftLinksRoute, async (c) => {
    const csv = await giftLinksCsv(buyerRequestContext(c, deps), deps, c.req.valid("param").id);
    if (csv === undefined) throw new ProblemError(404, "not_found", "No order of yours has this id.");
    return c.body(csv, 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="gift-links-${c.req.valid("param").id}.csv"`,
      "cache-control": "no-store",
    });
  });

  router.openapi(qrRoute, async (c) => {
    const p = c.req.valid("param");
    const unit = await buyerRequestContext(c, deps).db.prisma.fulfillmentUnit.findFirst({ where: { id: p.unitId, orderId: p.id } });
    if (!unit) throw new ProblemError(404, "not_found", "No such gift in your order.");
    const url = giftLinkUrl(deps.config.giftLinkBaseUrl, await openCode(deps.secrets, unit.codeSealed, unit.id));
    const headers = { "cache-control": "no-store" };
    if (c.req.valid("query").format === "svg") return c.body(await qrSvg(url), 200, { ...headers, "content-type": "image/svg+xml" });
    return c.body(new Uint8Array(await qrPng(url, { size: 512 })), 200, { ...headers, "content-type": "image/png" });
  });

  router.openapi(listRoute, async (c) => {
    const q = c.req.valid("query");
    const items = await listOrders(buyerRequestContext(c, deps), deps, { limit: q.limit, ...(q.before ? { before: new Date(q.before) } : {}) });
    return c.json({ items }, 200);
  });

  router.openapi(getRoute, async (c) => {
    const order = await getOrder(buyerRequestContext(c, deps), deps, c.req.valid("param").id, c.req.valid("query"));
    if (!order) throw new ProblemError(404, "not_found", "No order of yours has this id.");
    return c.json(order, 200);
  });
  return router;
}
