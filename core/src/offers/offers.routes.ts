import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Deps } from "../platform/deps.ts";
import type { VendorContext } from "../platform/use-case.ts";
import { problemResponses } from "../http/problem.ts";
import { createRouter } from "../http/router.ts";
import { vendorAuth, vendorRequestContext, vendorSecurityScheme, VENDOR_SECURITY_SCHEME, type VendorEnv } from "../http/vendor-auth.ts";
import { orProblem, problemFor } from "../http/refusals.ts";
import { createOffer } from "./create-offer.ts";
import { CreateOfferInput, OfferStatusInput, UpdateOfferInput } from "./offer-input.schema.ts";
import { OFFER_REFUSAL_STATUS, offerNotFound } from "./offer-rules.ts";
import { getOffer, listOffers } from "./offer-view.ts";
import { setOfferStatus } from "./set-offer-status.ts";
import { updateOffer } from "./update-offer.ts";
import { ChoiceSchema } from "../storefronts/choice.schema.ts";

const Money = z.object({ amount: z.number().int(), currency: z.string() });
const VendorOfferSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string(),
    kind: z.enum(["single", "choice"]),
    status: z.enum(["draft", "active", "paused", "archived"]),
    price: Money,
    startsAt: z.string().nullable(),
    endsAt: z.string().nullable(),
    expiryDays: z.number().int(),
    version: z.number().int(),
    items: z.array(z.object({ productId: z.uuid(), variantId: z.uuid().nullable(), productTitle: z.string() })),
    updatedAt: z.string(),
  })
  .openapi("VendorOffer");
const OfferDetail = VendorOfferSchema.extend({ preview: z.array(ChoiceSchema) }).openapi("VendorOfferDetail");

const security = [{ [VENDOR_SECURITY_SCHEME]: [] }];
const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });
const idParam = z.object({ id: z.uuid() });
const tags = ["Vendor"];

const listRoute = createRoute({
  method: "get",
  path: "/",
  tags,
  summary: "The brand's gift offers",
  security,
  request: { query: z.object({ includeArchived: z.enum(["true", "false"]).optional() }) },
  responses: { 200: { description: "Offers, newest first.", ...json(z.object({ items: z.array(VendorOfferSchema) })) }, ...problemResponses(400, 401, 403) },
});
const getRoute = createRoute({
  method: "get",
  path: "/{id}",
  tags,
  summary: "One offer, with a preview of the choices a recipient will see",
  security,
  request: { params: idParam },
  responses: { 200: { description: "The offer.", ...json(OfferDetail) }, ...problemResponses(400, 401, 403, 404) },
});
const createOfferRoute = createRoute({
  method: "post",
  path: "/",
  tags,
  summary: "Create a gift offer (one item, or the recipient's choice)",
  security,
  request: { body: { required: true, ...json(CreateOfferInput) } },
  responses: {
    201: { description: "Created.", ...json(OfferDetail) },
    ...problemResponses(400, 401, 403, 413, 415, { 422: "Invalid fields (`invalid_offer`) or items (`invalid_offer_items`), every problem at once." }),
  },
});
const updateRoute = createRoute({
  method: "patch",
  path: "/{id}",
  tags,
  summary: "Change an offer (optimistic lock on `version`)",
  security,
  request: { params: idParam, body: { required: true, ...json(UpdateOfferInput) } },
  responses: {
    200: { description: "The changed offer.", ...json(OfferDetail) },
    ...problemResponses(400, 401, 403, 404, 413, 415, 422, { 409: "Changed by someone else since `version` (`version_conflict`), or archived." }),
  },
});
const statusRoute = createRoute({
  method: "post",
  path: "/{id}/status",
  tags,
  summary: "Publish, pause, resume or archive an offer",
  security,
  request: { params: idParam, body: { required: true, ...json(OfferStatusInput) } },
  responses: {
    200: { description: "The offer after the change.", ...json(OfferDetail) },
    ...problemResponses(400, 401, 403, 404, 413, 415, 422, { 409: "Version conflict or a change the offer's state does not allow." }),
  },
});

/** Mounted at /v1/vendor/offers. */
export function offerRoutes(deps: Deps): OpenAPIHono<VendorEnv> {
  const router = createRouter<VendorEnv>();
  router.openAPIRegistry.registerComponent("securitySchemes", VENDOR_SECURITY_SCHEME, vendorSecurityScheme);
  router.use("*", vendorAuth(deps));
  const detail = async (ctx: VendorContext, id: string) => {
    const offer = await getOffer(ctx, id);
    if (!offer) throw problemFor(offerNotFound(), OFFER_REFUSAL_STATUS);
    return offer;
  };
  router.openapi(listRoute, async (c) => {
    const items = await listOffers(vendorRequestContext(c, deps), { includeArchived: c.req.valid("query").includeArchived === "true" });
    return c.json({ items }, 200);
  });
  router.openapi(getRoute, async (c) => c.json(await detail(vendorRequestContext(c, deps), c.req.valid("param").id), 200));
  router.openapi(createOfferRoute, async (c) => {
    const ctx = vendorRequestContext(c, deps);
    const { offerId } = orProblem(await createOffer(ctx, c.req.valid("json")), OFFER_REFUSAL_STATUS);
    return c.json(await detail(ctx, offerId), 201);
  });
  router.openapi(updateRoute, async (c) => {
    const { id } = c.req.valid("param");
    const ctx = vendorRequestContext(c, deps);
    orProblem(await updateOffer(ctx, id, c.req.valid("json")), OFFER_REFUSAL_STATUS);
    return c.json(await detail(ctx, id), 200);
  });
  router.openapi(statusRoute, async (c) => {
    const { id } = c.req.valid("param");
    const ctx = vendorRequestContext(c, deps);
    orProblem(await setOfferStatus(ctx, id, c.req.valid("json")), OFFER_REFUSAL_STATUS);
    return c.json(await detail(ctx, id), 200);
  });
  return router;
}
