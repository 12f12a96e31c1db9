import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Deps } from "../../platform/deps.ts";
import { problemResponses, ProblemError } from "../../http/problem.ts";
import { createRouter } from "../../http/router.ts";
import { vendorAuth, vendorRequestContext, vendorSecurityScheme, VENDOR_SECURITY_SCHEME, type VendorEnv } from "../../http/vendor-auth.ts";
import { onboardingReturnUrls, openPayoutDashboard, payoutAccount, ACCOUNT_REFUSAL_STATUS, startOnboarding, type PayoutAccountView } from "./payout-account.ts";
import { orProblem } from "../../http/refusals.ts";
import { PAYOUT_ACCOUNT_STATUSES } from "./status.ts";

/**
 * The brand's Stripe connected account over the vendor API (Shopify session token, like the
 * embedded app, which calls the same use cases directly): its status, and one-time links to
 * Stripe's onboarding and to the Express dashboard. Mounted at /v1/vendor/payout-account.
 */
const security = [{ [VENDOR_SECURITY_SCHEME]: [] }];
const tags = ["Vendor", "Payouts"];
const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });

const Account = z
  .object({
    status: z.enum(PAYOUT_ACCOUNT_STATUSES),
    stripeAccountId: z.string().nullable(),
    requirements: z.array(z.string()).openapi({ description: "Stripe's requirements.currently_due (field names)." }),
    requirementsInWords: z.array(z.string()),
    disabledReason: z.string().nullable(),
    disabledReasonInWords: z.string().nullable(),
    dashboardAvailable: z.boolean(),
    updatedAt: z.string().nullable(),
  })
  .openapi("PayoutAccount");
const Link = z.object({ url: z.url().openapi({ description: "Open at once, in the whole window: it works once, for a few minutes. Never store it." }) }).openapi("PayoutAccountLink");

const getRoute = createRoute({
  method: "get",
  path: "/",
  tags,
  summary: "Where the brand's Stripe connected account stands",
  security,
  responses: { 200: { description: "The account's status.", ...json(Account) }, ...problemResponses(401, 403) },
});
const onboardingRoute = createRoute({
  method: "post",
  path: "/onboarding-link",
  tags,
  summary: "A fresh Stripe onboarding link (creates the connected account on first use)",
  description: "Stripe sends the brand back to the app's Payouts page in Shopify admin (`?stripe=return`, or `?stripe=refresh` for a new link).",
  security,
  responses: {
    200: { description: "The link.", ...json(Link) },
    ...problemResponses(401, 403, { 409: "Payouts to this account are disabled (rejected, or disconnected by the brand), or the platform has no Stripe account configured." }, { 422: "Stripe refused the request." }),
  },
});
const dashboardRoute = createRoute({
  method: "post",
  path: "/dashboard-link",
  tags,
  summary: "A one-time link into the brand's Stripe Express dashboard",
  security,
  responses: {
    200: { description: "The link.", ...json(Link) },
    ...problemResponses(401, 403, { 409: "There is no account yet, Stripe no longer gives access to it, or the platform has no Stripe account configured." }, { 422: "Stripe refused the request (e.g. onboarding not submitted)." }),
  },
});

const asJson = (a: PayoutAccountView) => ({ ...a, updatedAt: a.updatedAt?.toISOString() ?? null });

export function payoutAccountRoutes(deps: Deps): OpenAPIHono<VendorEnv> {
  const router = createRouter<VendorEnv>();
  router.openAPIRegistry.registerComponent("securitySchemes", VENDOR_SECURITY_SCHEME, vendorSecurityScheme);
  router.use("*", vendorAuth(deps));
  router.openapi(getRoute, async (c) => {
    const account = await payoutAccount(vendorRequestContext(c, deps));
    if (!account) throw new ProblemError(403, "app_not_installed", "The app is not installed on this shop.");
    return c.json(asJson(account), 200);
  });
  router.openapi(onboardingRoute, async (c) => {
    const r = orProblem(await startOnboarding(vendorRequestContext(c, deps), deps, onboardingReturnUrls(deps.config, c.get("vendor").shop)), ACCOUNT_REFUSAL_STATUS);
    return c.json({ url: r.url }, 200);
  });
  router.openapi(dashboardRoute, async (c) => {
    const r = orProblem(await openPayoutDashboard(vendorRequestContext(c, deps), deps), ACCOUNT_REFUSAL_STATUS);
    return c.json({ url: r.url }, 200);
  });
  return router;
}
