import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Deps } from "../platform/deps.ts";
import { ProblemError, problemResponses } from "../http/problem.ts";
import type { AppEnv } from "../http/request-context.ts";
import { createRouter } from "../http/router.ts";
import { allRowErrors, priceOrder } from "../orders/pricing.ts";
import { parseRecipients } from "../orders/recipients.ts";
import { OrderInput, OrderMeta, StorefrontSlug } from "../orders/order-input.schema.ts";
import { recipientsProblem } from "../orders/row-errors.ts";
import { storefrontView } from "./storefront-view.ts";
import { ChoiceSchema } from "./choice.schema.ts";

const Money = z.object({ amount: z.number().int(), currency: z.string().length(3) }).openapi("Money");

const StorefrontSchema = z
  .object({
    slug: z.string(),
    name: z.string(),
    brandName: z.string(),
    primaryColor: z.string(),
    accentColor: z.string(),
    welcomeText: z.string(),
    offers: z.array(
      z
        .object({
          id: z.uuid(),
          name: z.string(),
          description: z.string(),
          kind: z.enum(["single", "choice"]),
          price: Money,
          expiryDays: z.number().int(),
          available: z
            .number()
            .int()
            .nullable()
            .openapi({ description: "Gifts of this offer that can still be ordered (stock less what gifts already sent will take); null = not tracked (unlimited)." }),
          orderable: z.boolean(),
          choices: z.array(ChoiceSchema),
        })
        .openapi("Offer"),
    ),
  })
  .openapi("Storefront");

const slugParam = z.object({ slug: StorefrontSlug });

const QuoteSchema = z
  .object({
    currency: z.string(),
    recipientCount: z.number().int(),
    lines: z.array(z.object({ offerId: z.uuid(), name: z.string(), quantity: z.number().int(), unitAmount: z.number().int(), amount: z.number().int() })),
    shipping: z.array(z.object({ country: z.string(), quantity: z.number().int(), rateAmount: z.number().int(), amount: z.number().int() })),
    itemsAmount: z.number().int(),
    shippingAmount: z.number().int(),
    totalAmount: z.number().int(),
  })
  .openapi("Quote", { description: "Amounts in minor units of `currency`." });

const getRoute = createRoute({
  method: "get",
  path: "/{slug}",
  tags: ["Storefront"],
  summary: "A brand's storefront: branding and the gift offers on sale now",
  request: { params: slugParam },
  responses: {
    200: { description: "The storefront.", content: { "application/json": { schema: StorefrontSchema } } },
    ...problemResponses(400, { 404: "No such storefront, or it is closed." }),
  },
});

const quoteRoute = createRoute({
  method: "post",
  path: "/{slug}/quote",
  tags: ["Storefront"],
  summary: "Price an order (items, shipping, totals) without saving anything",
  request: { params: slugParam, body: { required: true, content: { "application/json": { schema: OrderInput.extend(OrderMeta) } } } },
  responses: {
    200: { description: "The quote.", content: { "application/json": { schema: QuoteSchema } } },
    ...problemResponses(400, 404, 413, 415, { 422: "Invalid recipients (`invalid_recipients`, every row at once) or body." }),
  },
});

const logoRoute = createRoute({
  method: "get",
  path: "/{slug}/logo",
  tags: ["Storefront"],
  summary: "The brand's logo (for storefront pages and gift emails)",
  request: { params: slugParam },
  responses: {
    200: { description: "The image.", content: { "image/png": { schema: z.string().openapi({ format: "binary" }) } } },
    ...problemResponses(400, { 404: "No such storefront, or it has no logo." }),
  },
});

/** Mounted at /v1/storefronts: public, read-only. */
export function storefrontRoutes(deps: Deps): OpenAPIHono<AppEnv> {
  const router = createRouter();
  const load = async (slug: string) => {
    const view = await storefrontView(deps.db, slug);
    if (!view) throw new ProblemError(404, "not_found", "No open storefront has this address.");
    return view;
  };
  router.openapi(getRoute, async (c) => {
    const view = await load(c.req.valid("param").slug);
    const { id: _id, vendorId: _v, logoKey: _l, ...pub } = view;
    return c.json(pub, 200);
  });
  router.openapi(logoRoute, async (c) => {
    const sf = await deps.db.prisma.storefront.findUnique({ where: { slug: c.req.valid("param").slug }, select: { logoKey: true, active: true } });
    const file = sf?.active && sf.logoKey ? await deps.storage.get(sf.logoKey) : undefined;
    if (!file) throw new ProblemError(404, "not_found", "This storefront has no logo.");
    return new Response(new Uint8Array(file.body), {
      status: 200,
      headers: {
        "content-type": file.contentType,
        "cache-control": "public, max-age=300",
        "x-content-type-options": "nosniff",
        "content-security-policy": "default-src 'none'; sandbox",
      },
    }) as never;
  });
  router.openapi(quoteRoute, async (c) => {
    const view = await load(c.req.valid("param").slug);
    const body = c.req.valid("json");
    const parsed = parseRecipients(body.recipients);
    const rates = await deps.db.prisma.shippingRule.findMany({ where: { vendorId: view.vendorId } });
    const priced = priceOrder(view, rates, { offerId: body.offerId, recipients: parsed.recipients });
    const errors = allRowErrors(parsed.errors, priced.ok ? [] : priced.errors);
    if (errors.length || !priced.ok) throw recipientsProblem(errors, "json");
    return c.json(priced.quote, 200);
  });
  return router;
}
