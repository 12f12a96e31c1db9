import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Deps } from "../platform/deps.ts";
import { problemResponses, ProblemError } from "../http/problem.ts";
import { createRouter } from "../http/router.ts";
import { vendorAuth, vendorRequestContext, vendorSecurityScheme, VENDOR_SECURITY_SCHEME, type VendorEnv } from "../http/vendor-auth.ts";
import { PAYOUT_STATUSES } from "./payout-lifecycle.ts";
import { getVendorPayout, listVendorPayouts, PayoutCursorError, payoutSummary, vendorPayoutLinesCsv } from "./vendor-payouts.ts";

/** The brand's payouts, read-only (mounted at /v1/vendor/payouts; the use cases are in vendor-payouts.ts). */
const security = [{ [VENDOR_SECURITY_SCHEME]: [] }];
const tags = ["Vendor", "Payouts"];
const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });
const Minor = z.number().int();

const Summary = z
  .object({
    currencies: z.array(
      z.object({
        currency: z.string().openapi({ example: "USD" }),
        pendingMinor: Minor.openapi({ description: "Shares of gifts redeemed, waiting for you to ship." }),
        settlingMinor: Minor.openapi({ description: "Shipped, inside the settlement window (or their order is on hold for a dispute)." }),
        payableMinor: Minor.openapi({ description: "Settled and not paid yet (including payouts on their way), less amounts owed back." }),
        paidMinor: Minor.openapi({ description: "Paid to your Stripe account, less reversals." }),
        commissionMinor: Minor.openapi({ description: "The platform's commission on these gifts." }),
        nextPayoutAt: z.string().openapi({ description: "When the next scheduled payout run starts." }),
        earningsByWeek: z.array(z.object({ weekStart: z.string().openapi({ example: "2026-11-30" }), shareMinor: Minor })),
      }),
    ),
  })
  .openapi("VendorPayoutSummary");
const ListItem = z.object({
  id: z.uuid(),
  status: z.enum(PAYOUT_STATUSES as [string, ...string[]]),
  currency: z.string(),
  amountMinor: Minor,
  lineCount: z.number().int(),
  createdAt: z.string(),
  paidAt: z.string().nullable(),
  failureReason: z.string().nullable(),
});
const Detail = z
  .object({
    id: z.uuid(),
    status: z.enum(PAYOUT_STATUSES as [string, ...string[]]),
    currency: z.string(),
    amountMinor: Minor,
    lines: z.array(
      z.object({
        unitId: z.uuid(),
        orderId: z.uuid(),
        orderNumber: z.string().nullable().openapi({ description: "The Shopify order's number in your store." }),
        recipientFirstName: z.string(),
        itemTitle: z.string().nullable(),
        variantTitle: z.string().nullable(),
        sku: z.string().nullable(),
        shareMinor: Minor,
        commissionMinor: Minor,
      }),
    ),
    transfers: z.array(z.object({ orderId: z.uuid(), stripeTransferId: z.string().nullable(), amountMinor: Minor, status: z.string() })),
    adjustments: z.array(z.object({ id: z.uuid(), amountMinor: Minor, reason: z.string(), createdAt: z.string(), status: z.string() })),
    transitions: z.array(z.object({ from: z.string(), to: z.string(), at: z.string(), actor: z.string(), reason: z.string().nullable() })),
  })
  .openapi("VendorPayout");
const IdParam = z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) });

const summaryRoute = createRoute({
  method: "get",
  path: "/summary",
  tags,
  summary: "Amounts pending, settling, payable and paid, per currency, with earnings per week",
  security,
  responses: { 200: { description: "Summary.", ...json(Summary) }, ...problemResponses(401, 403) },
});
const listRoute = createRoute({
  method: "get",
  path: "/",
  tags,
  summary: "Your payouts, newest first (50 a page)",
  security,
  request: { query: z.object({ cursor: z.string().min(1).max(200).optional().openapi({ description: "`nextCursor` of the previous page." }) }) },
  responses: {
    200: { description: "A page of payouts.", ...json(z.object({ payouts: z.array(ListItem), nextCursor: z.string().nullable() }).openapi("VendorPayoutList")) },
    ...problemResponses(401, 403, { 400: "A cursor this API did not return (`invalid_cursor`)." }),
  },
});
const detailRoute = createRoute({
  method: "get",
  path: "/{id}",
  tags,
  summary: "A payout with its lines, transfers, adjustments and history",
  security,
  request: { params: IdParam },
  responses: { 200: { description: "The payout.", ...json(Detail) }, ...problemResponses(400, 401, 403, { 404: "No payout of yours has this id." }) },
});
const csvRoute = createRoute({
  method: "get",
  path: "/{id}/lines.csv",
  tags,
  summary: "A payout's lines as CSV",
  security,
  request: { params: IdParam },
  responses: {
    200: { description: "CSV: payout_id, currency, unit_id, order_id, shopify_order, recipient_first_name, item, variant, sku, share_minor, commission_minor.", content: { "text/csv": { schema: z.string() } } },
    ...problemResponses(400, 401, 403, { 404: "No payout of yours has this id." }),
  },
});

export function vendorPayoutRoutes(deps: Deps): OpenAPIHono<VendorEnv> {
  const router = createRouter<VendorEnv>();
  router.openAPIRegistry.registerComponent("securitySchemes", VENDOR_SECURITY_SCHEME, vendorSecurityScheme);
  router.use("*", vendorAuth(deps));
  const notFound = () => new ProblemError(404, "not_found", "No payout of yours has this id.");

  router.openapi(summaryRoute, async (c) => c.json(await payoutSummary(vendorRequestContext(c, deps)), 200));
  router.openapi(listRoute, async (c) => {
    try {
      return c.json(await listVendorPayouts(vendorRequestContext(c, deps), c.req.valid("query").cursor), 200);
    } catch (err) {
      if (err instanceof PayoutCursorError) throw new ProblemError(400, "invalid_cursor", err.message);
      throw err;
    }
  });
  router.openapi(detailRoute, async (c) => {
    const p = await getVendorPayout(vendorRequestContext(c, deps), c.req.valid("param").id);
    if (!p) throw notFound();
    return c.json(p, 200);
  });
  router.openapi(csvRoute, async (c) => {
    const id = c.req.valid("param").id;
    const csv = await vendorPayoutLinesCsv(vendorRequestContext(c, deps), id);
    if (csv === undefined) throw notFound();
    return c.body(csv, 200, { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="payout-${id}.csv"`, "cache-control": "no-store" });
  });
  return router;
}
