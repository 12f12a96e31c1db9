import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Deps } from "../../platform/deps.ts";
import { operatorAuth, operatorContext, OPERATOR_SECURITY_SCHEME, type OperatorVariables } from "../../http/operator-auth.ts";
import { problemResponses } from "../../http/problem.ts";
import type { AppEnv } from "../../http/request-context.ts";
import { createRouter } from "../../http/router.ts";
import { listHeldPushes } from "./push-holds.ts";
import { SHOP_DOMAIN_PATTERN } from "../../platform/shop-domain.ts";

export const HeldPushSchema = z
  .object({
    unitId: z.uuid(),
    orderId: z.uuid(),
    vendorId: z.uuid(),
    shop: z.string().openapi({ example: "northwind-demo.myshopify.com" }),
    brand: z.string(),
    kind: z.enum(["vendor_uninstalled", "connection_broken", "payment_disputed", "refused", "flagged"]).openapi({
      description:
        "`vendor_uninstalled`: the brand removed the app (a reinstall resumes it). `connection_broken`: Shopify refuses the app's access token (the brand reopening the app resumes it). " +
        "`payment_disputed`: the buyer's payment is disputed. `refused`: Shopify refused the order (its job is dead-lettered). `flagged`: another operator flag.",
    }),
    reason: z.string().openapi({ example: "Shopify connection broken: push paused (Shopify no longer accepts the app's access token (401 Unauthorized))" }),
    redeemedAt: z.iso.datetime().nullable(),
    heldSince: z.iso.datetime(),
  })
  .openapi("HeldPush");

const listRoute = createRoute({
  method: "get",
  path: "/",
  tags: ["Operator"],
  summary: "Redeemed gifts whose Shopify order is held, with why",
  description: "Oldest first: gifts a recipient redeemed that have no Shopify order and will not get one until the reason is dealt with.",
  security: [{ [OPERATOR_SECURITY_SCHEME]: [] }],
  request: {
    query: z.object({
      shop: z
        .string()
        .regex(SHOP_DOMAIN_PATTERN, "a shop's myshopify.com domain")
        .max(255)
        .optional()
        .openapi({ description: "Only this shop's gifts.", example: "northwind-demo.myshopify.com" }),
      limit: z.coerce.number().int().min(1).max(1000).optional().openapi({ description: "At most this many (1 to 1000; default 100).", example: 100 }),
    }),
  },
  responses: {
    200: { description: "The held pushes.", content: { "application/json": { schema: z.object({ items: z.array(HeldPushSchema) }).openapi("HeldPushList") } } },
    ...problemResponses(400, 401, 403),
  },
});

/** Mounted at /v1/operator/held-pushes. */
export function heldPushRoutes(deps: Deps): OpenAPIHono<AppEnv & { Variables: OperatorVariables }> {
  const router = createRouter<AppEnv & { Variables: OperatorVariables }>();
  router.use("*", operatorAuth(deps.config));
  router.openapi(listRoute, async (c) => {
    const q = c.req.valid("query");
    const ctx = operatorContext(c, deps.db);
    const items = await listHeldPushes(ctx, { ...(q.shop ? { shop: q.shop } : {}), limit: q.limit ?? 100 });
    return c.json(
      { items: items.map((h) => ({ ...h, redeemedAt: h.redeemedAt?.toISOString() ?? null, heldSince: h.heldSince.toISOString() })) },
      200,
    );
  });
  return router;
}
