import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Deps } from "../../platform/deps.ts";
import { problemResponses, ProblemError } from "../../http/problem.ts";
import { createRouter } from "../../http/router.ts";
import { vendorAuth, vendorRequestContext, vendorSecurityScheme, VENDOR_SECURITY_SCHEME, type VendorEnv } from "../../http/vendor-auth.ts";
import { getManifest, manifestDownloadUrl, MANIFEST_STATUSES, requestManifest, type ManifestRecord } from "./manifests.service.ts";

/** Mounted at /v1/vendor/manifests. */
export const MANIFEST_LINK_SECONDS = 10 * 60;

const ManifestRequest = z
  .object({
    orderId: z.uuid().optional().openapi({ description: "Only this gift order's units." }),
    statuses: z
      .array(z.enum(MANIFEST_STATUSES))
      .min(1)
      .optional()
      .openapi({ description: "`redeemed` (not yet in Shopify) and/or `pushed` (in Shopify, not shipped); default both." }),
  })
  .strict()
  .openapi("ManifestRequest");
const Manifest = z
  .object({
    id: z.uuid(),
    status: z.enum(["pending", "ready", "failed", "deleted"]),
    requestedAt: z.string(),
    generatedAt: z.string().nullable(),
    units: z.number().int().nullable(),
    pages: z.number().int().nullable(),
    truncated: z.boolean(),
    downloadUrl: z.string().nullable().openapi({ description: `Set when ready; expires after ${MANIFEST_LINK_SECONDS / 60} minutes (ask again for a fresh one).` }),
  })
  .openapi("PackingManifest");
const security = [{ [VENDOR_SECURITY_SCHEME]: [] }];
const tags = ["Vendor"];
const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });

const createManifestRoute = createRoute({
  method: "post",
  path: "/",
  tags,
  summary: "Ask for a packing manifest (PDF of the gifts waiting to be packed), built by a job",
  security,
  request: { body: { required: false, ...json(ManifestRequest) } },
  responses: { 202: { description: "Requested; poll `GET /v1/vendor/manifests/{id}`.", ...json(Manifest) }, ...problemResponses(400, 401, 403, 413, 415, 422) },
});
const getManifestRoute = createRoute({
  method: "get",
  path: "/{id}",
  tags,
  summary: "A packing manifest's status and, when ready, an expiring download link",
  security,
  request: { params: z.object({ id: z.uuid() }) },
  responses: { 200: { description: "The manifest.", ...json(Manifest) }, ...problemResponses(400, 401, 403, 404) },
});

export function manifestRoutes(deps: Deps): OpenAPIHono<VendorEnv> {
  const router = createRouter<VendorEnv>();
  router.openAPIRegistry.registerComponent("securitySchemes", VENDOR_SECURITY_SCHEME, vendorSecurityScheme);
  router.use("*", vendorAuth(deps));
  const view = async (r: ManifestRecord) => ({
    id: r.id,
    status: r.status,
    requestedAt: r.requestedAt,
    generatedAt: r.generatedAt ?? null,
    units: r.units ?? null,
    pages: r.pages ?? null,
    truncated: r.truncated ?? false,
    downloadUrl: await manifestDownloadUrl(deps, r, MANIFEST_LINK_SECONDS),
  });
  router.openapi(createManifestRoute, async (c) => {
    const body = c.req.header("content-length") === "0" || !c.req.header("content-type") ? {} : c.req.valid("json");
    const r = await requestManifest(vendorRequestContext(c, deps), deps, body ?? {});
    return c.json(await view(r), 202);
  });
  router.openapi(getManifestRoute, async (c) => {
    const r = await getManifest(vendorRequestContext(c, deps), deps, c.req.valid("param").id);
    if (!r) throw new ProblemError(404, "not_found", "This shop has no packing manifest with this id.");
    return c.json(await view(r), 200);
  });
  return router;
}
