import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Deps } from "../platform/deps.ts";
import { ProblemError, problemResponses } from "../http/problem.ts";
import { createRouter } from "../http/router.ts";
import { vendorAuth, vendorRequestContext, vendorSecurityScheme, VENDOR_SECURITY_SCHEME, type VendorEnv } from "../http/vendor-auth.ts";
import { orProblem } from "../http/refusals.ts";
import {
  getVendorStorefront,
  listShippingRules,
  LOGO_CONTENT_TYPES,
  saveStorefront,
  setShippingRules,
  setStorefrontLogo,
  ShippingRulesInput,
  StorefrontInput,
  STOREFRONT_REFUSAL_STATUS,
} from "./vendor-storefront.ts";

const security = [{ [VENDOR_SECURITY_SCHEME]: [] }];
const tags = ["Vendor"];
const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });

const StorefrontOut = z
  .object({
    id: z.uuid(),
    slug: z.string(),
    name: z.string(),
    primaryColor: z.string(),
    accentColor: z.string(),
    welcomeText: z.string(),
    active: z.boolean(),
    hasLogo: z.boolean(),
    offers: z.array(z.object({ offerId: z.uuid(), position: z.number().int(), priceOverrideAmount: z.number().int().nullable() })),
  })
  .openapi("VendorStorefront");
const RulesOut = z
  .object({ items: z.array(z.object({ country: z.string(), rateAmount: z.number().int(), currency: z.string() })) })
  .openapi("ShippingRuleList");

const getRoute = createRoute({
  method: "get",
  path: "/storefront",
  tags,
  summary: "The brand's storefront settings",
  security,
  responses: { 200: { description: "Settings.", ...json(StorefrontOut) }, ...problemResponses(401, 403, { 404: "No storefront yet." }) },
});
const putRoute = createRoute({
  method: "put",
  path: "/storefront",
  tags,
  summary: "Create or replace the storefront's branding and the offers it shows",
  security,
  request: { body: { required: true, ...json(StorefrontInput) } },
  responses: {
    200: { description: "Saved.", ...json(StorefrontOut) },
    ...problemResponses(400, 401, 403, 413, 415, 422, { 409: "The address (slug) is taken." }),
  },
});
const logoRoute = createRoute({
  method: "put",
  path: "/storefront/logo",
  tags,
  summary: "Upload the storefront's logo (PNG, JPEG or WebP, at most 2 MB; the body is the image)",
  security,
  request: {
    body: {
      required: true,
      content: Object.fromEntries(LOGO_CONTENT_TYPES.map((t) => [t, { schema: z.string().openapi({ format: "binary" }) }])),
    },
  },
  responses: {
    204: { description: "Stored." },
    ...problemResponses(401, 403, 409, 413, 415, { 422: "Empty, or not the image its content type says." }),
  },
});
const getRulesRoute = createRoute({
  method: "get",
  path: "/shipping-rules",
  tags,
  summary: "Where the brand ships, and the rate per recipient",
  security,
  responses: { 200: { description: "Rules.", ...json(RulesOut) }, ...problemResponses(401, 403) },
});
const putRulesRoute = createRoute({
  method: "put",
  path: "/shipping-rules",
  tags,
  summary: "Replace the shipping rules (country `*` is every other country)",
  security,
  request: { body: { required: true, ...json(ShippingRulesInput) } },
  responses: { 200: { description: "Saved.", ...json(RulesOut) }, ...problemResponses(400, 401, 403, 413, 415, 422) },
});

/** Mounted at /v1/vendor. */
export function vendorStorefrontRoutes(deps: Deps): OpenAPIHono<VendorEnv> {
  const router = createRouter<VendorEnv>();
  router.openAPIRegistry.registerComponent("securitySchemes", VENDOR_SECURITY_SCHEME, vendorSecurityScheme);
  const auth = vendorAuth(deps);
  // "/storefront/*" also matches "/storefront" itself (naming both ran the check twice).
  for (const path of ["/storefront/*", "/shipping-rules"]) router.use(path, auth);
  router.openapi(getRoute, async (c) => {
    const sf = await getVendorStorefront(vendorRequestContext(c, deps));
    if (!sf) throw new ProblemError(404, "not_found", "This brand has no storefront yet.");
    return c.json(sf, 200);
  });
  router.openapi(putRoute, async (c) => c.json(orProblem(await saveStorefront(vendorRequestContext(c, deps), c.req.valid("json")), STOREFRONT_REFUSAL_STATUS).storefront, 200));
  router.openapi(logoRoute, async (c) => {
    const bytes = Buffer.from(await c.req.arrayBuffer());
    orProblem(await setStorefrontLogo(vendorRequestContext(c, deps), deps.storage, { bytes, contentType: c.req.header("content-type") ?? "" }), STOREFRONT_REFUSAL_STATUS);
    return c.body(null, 204);
  });
  router.openapi(getRulesRoute, async (c) => c.json({ items: await listShippingRules(vendorRequestContext(c, deps)) }, 200));
  router.openapi(putRulesRoute, async (c) =>
    c.json({ items: orProblem(await setShippingRules(vendorRequestContext(c, deps), c.req.valid("json").rules), STOREFRONT_REFUSAL_STATUS).rules }, 200),
  );
  return router;
}
