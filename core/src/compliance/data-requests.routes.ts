import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Deps } from "../platform/deps.ts";
import { problemResponses, ProblemError } from "../http/problem.ts";
import { createRouter } from "../http/router.ts";
import { vendorAuth, vendorRequestContext, vendorSecurityScheme, VENDOR_SECURITY_SCHEME, type VendorEnv } from "../http/vendor-auth.ts";
import { getDataRequest, listDataRequests, type DataRequestRecord } from "./customer-data.ts";

/**
 * The brand's copies of Shopify `customers/data_request` reports (Shopify expects the app to
 * hand the data to the merchant, who answers the customer). Mounted at /v1/vendor/data-requests.
 */
const DOWNLOAD_SECONDS = 15 * 60;
const DataRequest = z
  .object({
    id: z.uuid(),
    status: z.enum(["ready"]),
    createdAt: z.string(),
    shopifyDataRequestId: z.string().nullable(),
    shopifyCustomerId: z.string().nullable(),
    gifts: z.number().int(),
    recipientRows: z.number().int(),
    downloadUrl: z.string().nullable().openapi({ description: `JSON report; the link expires after ${DOWNLOAD_SECONDS / 60} minutes. Null once the customer's data was erased.` }),
  })
  .openapi("VendorDataRequest");
const security = [{ [VENDOR_SECURITY_SCHEME]: [] }];
const tags = ["Vendor"];
const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });

const listRoute = createRoute({
  method: "get",
  path: "/",
  tags,
  summary: "Customer data requests Shopify sent for this shop (newest first, last 100)",
  security,
  responses: { 200: { description: "Requests.", ...json(z.object({ items: z.array(DataRequest) })) }, ...problemResponses(401, 403) },
});
const getRoute = createRoute({
  method: "get",
  path: "/{id}",
  tags,
  summary: "One customer data request, with an expiring link to its JSON report",
  security,
  request: { params: z.object({ id: z.uuid() }) },
  responses: { 200: { description: "The request.", ...json(DataRequest) }, ...problemResponses(400, 401, 403, 404) },
});

export function dataRequestRoutes(deps: Deps): OpenAPIHono<VendorEnv> {
  const router = createRouter<VendorEnv>();
  router.openAPIRegistry.registerComponent("securitySchemes", VENDOR_SECURITY_SCHEME, vendorSecurityScheme);
  router.use("*", vendorAuth(deps));
  const view = async (r: DataRequestRecord) => {
    const { fileKey, ...rest } = r;
    const downloadUrl = (await deps.storage.exists(fileKey))
      ? await deps.storage.downloadUrl(fileKey, { expiresInSeconds: DOWNLOAD_SECONDS, filename: `customer-data-${r.id}.json` })
      : null;
    return { ...rest, downloadUrl };
  };
  router.openapi(listRoute, async (c) => {
    const items = await listDataRequests(vendorRequestContext(c, deps));
    return c.json({ items: await Promise.all(items.map(view)) }, 200);
  });
  router.openapi(getRoute, async (c) => {
    const r = await getDataRequest(vendorRequestContext(c, deps), c.req.valid("param").id);
    if (!r) throw new ProblemError(404, "not_found", "This shop has no customer data request with this id.");
    return c.json(await view(r), 200);
  });
  return router;
}
