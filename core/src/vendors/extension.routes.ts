import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Deps } from "../platform/deps.ts";
import type { VendorContext } from "../platform/use-case.ts";
import { setProductsGiftable } from "../catalog/catalog.queries.ts";
import { problemResponses, ProblemError } from "../http/problem.ts";
import { createRouter } from "../http/router.ts";
import { vendorAuth, vendorRequestContext, vendorSecurityScheme, VENDOR_SECURITY_SCHEME, type VendorEnv } from "../http/vendor-auth.ts";
import { orProblem } from "../http/refusals.ts";
import { OFFER_REFUSAL_STATUS } from "../offers/offer-rules.ts";
import { getOffer, listOffers } from "../offers/offer-view.ts";
import { updateOffer } from "../offers/update-offer.ts";

/**
 * What the Shopify admin extensions call (session token of the admin, like the embedded app):
 * the gift behind an order the platform created in the shop (order-details block), and a
 * product's gifting state, to make it giftable or add it to an offer (product-details action).
 * Ids are Shopify's, as the admin gives them (`gid://shopify/Order/1` or `1`). Another shop's
 * order or product reads as unknown (404). Mounted at /v1/vendor.
 */
const security = [{ [VENDOR_SECURITY_SCHEME]: [] }];
const tags = ["Vendor", "Admin extensions"];
const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });

/** The GID for an id as the route received it (already percent-decoded, once, by the router). */
export function shopifyGid(type: "Order" | "Product", id: string): string | undefined {
  const m = new RegExp(`^(?:gid://shopify/${type}/)?(\\d{1,20})$`).exec(id.trim());
  return m ? `gid://shopify/${type}/${m[1]}` : undefined;
}

const GiftUnit = z
  .object({
    id: z.uuid(),
    status: z.string(),
    recipientName: z.string(),
    message: z.string().nullable(),
    giftOrderId: z.uuid(),
    redeemedAt: z.string().nullable(),
    shippedAt: z.string().nullable(),
    tracking: z.object({ carrier: z.string().nullable(), number: z.string().nullable(), url: z.string().nullable() }),
    appPath: z.string().openapi({ description: "The unit's page in the embedded app, e.g. `/app/units/<id>`." }),
  })
  .openapi("ExtensionGiftUnit");
const ProductGifting = z
  .object({
    product: z.object({ id: z.uuid(), shopifyId: z.string(), title: z.string(), giftable: z.boolean() }),
    offers: z.array(z.object({ id: z.uuid(), name: z.string(), status: z.string(), kind: z.enum(["single", "choice"]), includesProduct: z.boolean() })),
  })
  .openapi("ExtensionProductGifting");
const GiftableInput = z
  .object({
    giftable: z.boolean().default(true),
    offerId: z.uuid().optional().openapi({ description: "Also add the whole product (every giftable variant) to this offer." }),
  })
  .strict()
  .openapi("ExtensionGiftableInput");
const ShopifyIdParam = z.object({ id: z.string().min(1).max(80).openapi({ description: "Shopify id, numeric or GID." }) });

const unitsByOrderRoute = createRoute({
  method: "get",
  path: "/units/by-shopify-order/{id}",
  tags,
  summary: "The gift (fulfillment units) behind an order the platform created in this shop",
  security,
  request: { params: ShopifyIdParam },
  responses: { 200: { description: "The order's gift units.", ...json(z.object({ shopifyOrderId: z.string(), units: z.array(GiftUnit) })) }, ...problemResponses(400, 401, 403, 404) },
});
const productGiftingRoute = createRoute({
  method: "get",
  path: "/products/{id}/gifting",
  tags,
  summary: "A product's gifting state: giftable or not, and the offers it can join",
  security,
  request: { params: ShopifyIdParam },
  responses: { 200: { description: "State.", ...json(ProductGifting) }, ...problemResponses(400, 401, 403, 404) },
});
const giftableRoute = createRoute({
  method: "post",
  path: "/products/{id}/giftable",
  tags,
  summary: "Make a product giftable (or not), and optionally add it to an offer",
  security,
  request: { params: ShopifyIdParam, body: { required: true, ...json(GiftableInput) } },
  responses: {
    200: { description: "The product's gifting state after the change.", ...json(ProductGifting) },
    ...problemResponses(400, 401, 403, 404, 413, 415, 422, { 409: "The offer is archived or was changed meanwhile." }),
  },
});

/** The brand's synced product of a Shopify id, read through the brand's bound handle. */
async function productOf(ctx: VendorContext, rawId: string) {
  const gid = shopifyGid("Product", rawId);
  if (!gid) throw new ProblemError(400, "invalid_product_id", "Expected a Shopify product id (gid://shopify/Product/<n> or <n>).");
  const rows = await ctx.db.sql.query<{ id: string; shopifyId: string; title: string; giftable: boolean }>(
    `SELECT id::text AS id, shopify_id AS "shopifyId", title, giftable FROM product WHERE vendor_id = $1::uuid AND shopify_id = $2 AND deleted_at IS NULL`,
    [ctx.tenant.vendorId, gid],
  );
  if (!rows[0]) throw new ProblemError(404, "not_found", "This shop has no synced product with this id (a sync may still be running).");
  return rows[0];
}

async function gifting(ctx: VendorContext, rawId: string) {
  const product = await productOf(ctx, rawId);
  const offers = await listOffers(ctx);
  return {
    product,
    offers: offers.map((o) => ({ id: o.id, name: o.name, status: o.status, kind: o.kind, includesProduct: o.items.some((i) => i.productId === product.id) })),
  };
}

export function extensionRoutes(deps: Deps): OpenAPIHono<VendorEnv> {
  const router = createRouter<VendorEnv>();
  router.openAPIRegistry.registerComponent("securitySchemes", VENDOR_SECURITY_SCHEME, vendorSecurityScheme);
  router.use("/units/*", vendorAuth(deps));
  router.use("/products/*", vendorAuth(deps));

  router.openapi(unitsByOrderRoute, async (c) => {
    const gid = shopifyGid("Order", c.req.valid("param").id);
    if (!gid) throw new ProblemError(400, "invalid_order_id", "Expected a Shopify order id (gid://shopify/Order/<n> or <n>).");
    const ctx = vendorRequestContext(c, deps);
    const rows = await ctx.db.sql.query<{
      id: string; status: string; recipientName: string; message: string | null; giftOrderId: string;
      redeemedAt: Date | null; shippedAt: Date | null; carrier: string | null; number: string | null; url: string | null;
    }>(
      `SELECT id::text AS id, status::text AS status, recipient_name AS "recipientName", message, order_id::text AS "giftOrderId",
              redeemed_at AS "redeemedAt", shipped_at AS "shippedAt", tracking_carrier AS carrier, tracking_number AS number, tracking_url AS url
         FROM fulfillment_unit WHERE vendor_id = $1::uuid AND shopify_order_id = $2 ORDER BY created_at`,
      [ctx.tenant.vendorId, gid],
    );
    if (!rows.length) throw new ProblemError(404, "not_found", "This order was not created by Giftloop in this shop.");
    const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
    return c.json(
      {
        shopifyOrderId: gid,
        units: rows.map((r) => ({
          id: r.id, status: r.status, recipientName: r.recipientName, message: r.message, giftOrderId: r.giftOrderId,
          redeemedAt: iso(r.redeemedAt), shippedAt: iso(r.shippedAt), tracking: { carrier: r.carrier, number: r.number, url: r.url }, appPath: `/app/units/${r.id}`,
        })),
      },
      200,
    );
  });

  router.openapi(productGiftingRoute, async (c) => c.json(await gifting(vendorRequestContext(c, deps), c.req.valid("param").id), 200));

  router.openapi(giftableRoute, async (c) => {
    const input = c.req.valid("json");
    const ctx = vendorRequestContext(c, deps, "product action");
    const product = await productOf(ctx, c.req.valid("param").id);
    await setProductsGiftable(ctx, [product.id], input.giftable);
    if (input.offerId) {
      if (!input.giftable) throw new ProblemError(422, "not_giftable", "A product must be giftable to join an offer.");
      const offer = await getOffer(ctx, input.offerId);
      if (!offer) throw new ProblemError(404, "not_found", "This brand has no offer with this id.");
      if (!offer.items.some((i) => i.productId === product.id)) {
        const items = [...offer.items.map((i) => ({ productId: i.productId, ...(i.variantId ? { variantId: i.variantId } : {}) })), { productId: product.id }];
        orProblem(await updateOffer(ctx, offer.id, { version: offer.version, items }), OFFER_REFUSAL_STATUS);
      }
    }
    return c.json(await gifting(ctx, product.shopifyId), 200);
  });
  return router;
}
