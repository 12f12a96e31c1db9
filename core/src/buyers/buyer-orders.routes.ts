import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Deps } from "../platform/deps.ts";
import { ProblemError, problemResponses } from "../http/problem.ts";
import type { AppEnv } from "../http/request-context.ts";
import { createRouter } from "../http/router.ts";
import { StorefrontSlug } from "../orders/order-input.schema.ts";
import { buyerRequestContext, BUYER_SECURITY_SCHEME, type BuyerEnv } from "./buyer-auth.ts";
import { orderReceipt, paySandbox } from "./buyer-orders.ts";
import { correctRecipientEmail, RecipientEmail, resendGiftEmail, type GiftAction } from "./gift-actions.ts";

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });
const security = [{ [BUYER_SECURITY_SCHEME]: [] }];
const orderParams = z.object({ id: z.uuid() });

const sandboxPaymentRoute = createRoute({
  method: "post",
  path: "/orders/{id}/sandbox-payment",
  tags: ["Buyer"],
  summary: "Sandbox mode only: pay an order with one of Stripe's test cards",
  description:
    "The buyer storefront's card form in sandbox mode (no charge): confirms the order's PaymentIntent at the Stripe stand-in with the test card, as Stripe.js would. `expectedAmount` is the total the buyer reviewed; a different total is refused (`amount_changed`) and nothing is charged. A 3-D Secure card answers `requires_action` with the challenge page to open. The order is fulfilled only from Stripe's webhook. Live mode: 404 `sandbox_only` (the Payment Element is used instead).",
  security,
  request: {
    params: orderParams,
    body: {
      required: true,
      ...json(
        z
          .object({
            number: z.string().regex(/^[0-9 ]{12,23}$/, "digits only"),
            expMonth: z.number().int().min(1).max(12),
            expYear: z.number().int().min(2000).max(2100),
            cvc: z.string().regex(/^[0-9]{3,4}$/, "3 or 4 digits"),
            expectedAmount: z.number().int().min(0).max(1_000_000_000_00),
          })
          .strict(),
      ),
    },
  },
  responses: {
    200: {
      description: "The payment's outcome.",
      ...json(
        z
          .object({
            status: z.enum(["succeeded", "processing", "requires_action", "declined"]),
            challengeUrl: z.string().optional(),
            code: z.string().optional(),
            message: z.string().optional(),
          })
          .openapi("SandboxPayment"),
      ),
    },
    ...problemResponses(400, 401, 403, 413, 415, 422, {
      404: "No order of yours has this id, or not in sandbox mode (`sandbox_only`).",
      409: "Already paid or not payable (`not_payable`), or the total changed since review (`amount_changed`, with `amount`).",
    }),
  },
});

const receiptRoute = createRoute({
  method: "get",
  path: "/orders/{id}/receipt",
  tags: ["Buyer"],
  summary: "The PDF receipt of a paid order (owners, admins, finance)",
  security,
  request: { params: orderParams },
  responses: {
    200: { description: "The receipt.", content: { "application/pdf": { schema: z.string().openapi({ format: "binary" }) } } },
    ...problemResponses(400, 401, 403, { 404: "No order of yours has this id.", 409: "Not paid yet (`not_paid`)." }),
  },
});

const unitParams = z.object({ id: z.uuid(), unitId: z.uuid() });
const GiftActionSchema = z.object({ status: z.string(), email: z.string() }).openapi("GiftAction");
const giftProblems = problemResponses(400, 401, 403, 413, 415, 422, {
  404: "No such gift in your order.",
  409: "Already redeemed (`already_redeemed`), not emailed yet (`not_resendable`), another recipient of the order has this email (`duplicate_email`), or the payment is disputed (`on_hold`).",
});

const resendRoute = createRoute({
  method: "post",
  path: "/orders/{id}/units/{unitId}/resend",
  tags: ["Buyer"],
  summary: "Send a recipient's gift email again (unredeemed gifts; at most once an hour)",
  security,
  request: { params: unitParams },
  responses: { 202: { description: "Queued.", ...json(GiftActionSchema) }, ...giftProblems },
});

const emailRoute = createRoute({
  method: "post",
  path: "/orders/{id}/units/{unitId}/email",
  tags: ["Buyer"],
  summary: "Correct a recipient's email before the gift is redeemed (an emailed gift is emailed again to the new address)",
  security,
  request: { params: unitParams, body: { required: true, ...json(z.object({ email: RecipientEmail }).strict()) } },
  responses: { 200: { description: "Corrected.", ...json(GiftActionSchema) }, ...giftProblems },
});

const GIFT_PROBLEMS: Record<Exclude<GiftAction, { ok: true }>["code"], [404 | 409, string]> = {
  not_found: [404, "Your order has no such gift."],
  not_resendable: [409, "This gift's email has not gone out yet, or the gift is already redeemed, expired or canceled."],
  already_redeemed: [409, "This gift is already redeemed (or expired or canceled): its email can no longer change."],
  duplicate_email: [409, "Another recipient of this order has this email."],
  on_hold: [409, "The order's payment is disputed: its gifts are on hold."],
};

function giftResult(r: GiftAction) {
  if (!r.ok) {
    const [status, detail] = GIFT_PROBLEMS[r.code];
    throw new ProblemError(status, r.code, detail);
  }
  return { status: r.status, email: r.email };
}

/** Routes of the buyer storefront on an order; registered on the `/v1/buyer` router (behind its buyerAuth). */
export function registerBuyerOrderRoutes(router: OpenAPIHono<BuyerEnv>, deps: Deps): void {
  router.openapi(sandboxPaymentRoute, async (c) => {
    const id = c.req.valid("param").id;
    const body = c.req.valid("json");
    const returnUrl = `${deps.config.publicUrl.replace(/\/$/, "")}/buy/orders/${id}?payment=returned`;
    const r = await paySandbox(buyerRequestContext(c, deps), deps, id, { ...body, number: body.number.replace(/\s/g, ""), returnUrl });
    if (!r.ok) {
      if (r.code === "sandbox_only") throw new ProblemError(404, "sandbox_only", "The test card form works in sandbox mode only.");
      if (r.code === "not_found") throw new ProblemError(404, "not_found", "No order of yours has this id.");
      if (r.code === "amount_changed") {
        throw new ProblemError(409, "amount_changed", {
          detail: "The order's total is not the one you reviewed. Check the new total and confirm again; nothing was charged.",
          extensions: { amount: r.amount, currency: r.currency },
        });
      }
      throw new ProblemError(409, "not_payable", "This order is already paid (or no longer awaiting payment); nothing was charged.");
    }
    const { ok: _ok, ...out } = r;
    return c.json(out, 200);
  });
  router.openapi(resendRoute, async (c) => {
    const p = c.req.valid("param");
    return c.json(giftResult(await resendGiftEmail(buyerRequestContext(c, deps), deps, p.id, p.unitId)), 202);
  });
  router.openapi(emailRoute, async (c) => {
    const p = c.req.valid("param");
    return c.json(giftResult(await correctRecipientEmail(buyerRequestContext(c, deps), deps, p.id, p.unitId, c.req.valid("json").email)), 200);
  });
  router.openapi(receiptRoute, async (c) => {
    const r = await orderReceipt(buyerRequestContext(c, deps), deps, c.req.valid("param").id);
    if (!r.ok) {
      if (r.code === "not_found") throw new ProblemError(404, "not_found", "No order of yours has this id.");
      throw new ProblemError(409, "not_paid", "This order is not paid yet: its receipt comes with the payment.");
    }
    return new Response(new Uint8Array(r.pdf), {
      status: 200,
      headers: { "content-type": "application/pdf", "content-disposition": `attachment; filename="${r.filename}"`, "cache-control": "no-store" },
    }) as never;
  });
}

const siteRoute = createRoute({
  method: "get",
  path: "/{slug}",
  tags: ["Storefront"],
  summary: "What the brand's buyer site shows beyond its offers: where it ships and at what rate, and its logo",
  request: { params: z.object({ slug: StorefrontSlug }) },
  responses: {
    200: {
      description: "Shipping and logo.",
      ...json(
        z
          .object({
            logoUrl: z.string().nullable(),
            shipping: z.array(z.object({ country: z.string(), rateAmount: z.number().int(), currency: z.string() })),
            anywhereRate: z.object({ rateAmount: z.number().int(), currency: z.string() }).nullable().openapi({ description: "The rate for recipients who choose where it ships." }),
          })
          .openapi("StorefrontShipping"),
      ),
    },
    ...problemResponses(400, { 404: "No such storefront, or it is closed." }),
  },
});

/** Mounted at /v1/storefront-shipping: public. */
export function storefrontShippingRoutes(deps: Deps): OpenAPIHono<AppEnv> {
  const router = createRouter();
  router.openapi(siteRoute, async (c) => {
    const slug = c.req.valid("param").slug;
    const sf = await deps.db.prisma.storefront.findUnique({ where: { slug }, select: { vendorId: true, active: true, logoKey: true } });
    if (!sf?.active) throw new ProblemError(404, "not_found", "No open storefront has this address.");
    const rules = await deps.db.prisma.shippingRule.findMany({ where: { vendorId: sf.vendorId }, orderBy: { country: "asc" } });
    const anywhere = rules.find((r) => r.country === "*");
    c.header("cache-control", "public, max-age=60");
    return c.json(
      {
        logoUrl: sf.logoKey ? `/v1/storefronts/${slug}/logo` : null,
        shipping: rules.filter((r) => r.country !== "*").map((r) => ({ country: r.country, rateAmount: r.rateAmount, currency: r.currency })),
        anywhereRate: anywhere ? { rateAmount: anywhere.rateAmount, currency: anywhere.currency } : null,
      },
      200,
    );
  });
  return router;
}
