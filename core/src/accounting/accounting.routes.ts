import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Deps } from "../platform/deps.ts";
import { operatorAuth, operatorContext, OPERATOR_SECURITY_SCHEME, type OperatorVariables } from "../http/operator-auth.ts";
import { ProblemError, problemResponses } from "../http/problem.ts";
import { day as dayInRange } from "../http/ranges.ts";
import type { Context } from "hono";
import type { AppEnv } from "../http/request-context.ts";
import type { Refusal } from "../platform/use-case.ts";
import { createRouter } from "../http/router.ts";
import { writeCsv } from "./accounting.csv.ts";
import { listRecords, listReconciliationDays } from "./accounting.queries.ts";
import { reconcileDay } from "./reconcile.ts";
import { retryRecord } from "./records.ts";
import { orProblem } from "../http/refusals.ts";
import { platformContext } from "../platform/use-case.ts";
import { XeroConnectionViewSchema } from "./finance-console.schemas.ts";
import { chooseOrganisation, completeConnect, connectionView, disconnect, mappingOptions, saveMapping, startConnect, XERO_CONNECT_STATUSES, type XeroConnectCode } from "./xero-connect.ts";

/**
 * The finance API for platform staff, mounted at /v1/operator/finance (operator token): the
 * Xero connection (consent, organisation, mapping, disconnect), accounting records (exceptions
 * and retry) and reconciliation days (on demand, JSON or CSV). Xero's redirect comes back to
 * GET /finance/xero/callback (`xeroCallbackRoutes`).
 */
type Env = AppEnv & { Variables: OperatorVariables };
const security = [{ [OPERATOR_SECURITY_SCHEME]: [] }];
const json = (schema: z.ZodType, description: string) => ({ description, content: { "application/json": { schema } } });
const code = z.string().min(1).max(20).regex(/^[A-Za-z0-9.-]+$/, "an account code");
const day = dayInRange().openapi({ description: "A day as YYYY-MM-DD.", example: "2026-12-05" });

const MappingSchema = z
  .object({
    billsAccountCode: code.openapi({ example: "320" }),
    taxType: z.string().min(1).max(50).regex(/^[A-Z0-9_]+$/, "a Xero tax type").openapi({ example: "INPUT" }),
    trackingCategory: z.string().min(1).max(100).openapi({ example: "Brand" }),
    clearingAccountCode: code.openapi({ example: "091" }),
    salesAccountCode: code.openapi({ example: "200" }),
    feesAccountCode: code.openapi({ example: "405" }),
  })
  .strict()
  .openapi("XeroMapping");

const routes = {
  view: createRoute({ method: "get", path: "/xero", tags: ["Finance"], summary: "The Xero connection, mapping and booking counts", security, responses: { 200: json(XeroConnectionViewSchema, "The connection."), ...problemResponses(401, 403) } }),
  connect: createRoute({
    method: "post",
    path: "/xero/connect",
    tags: ["Finance"],
    summary: "Start connecting Xero: the consent page to open",
    security,
    responses: { 200: json(z.object({ consentUrl: z.url() }), "Open consentUrl in the browser."), ...problemResponses(401, 403, 409) },
  }),
  organisation: createRoute({
    method: "put",
    path: "/xero/organisation",
    tags: ["Finance"],
    summary: "Choose the organisation among Xero's connections",
    security,
    request: { body: { content: { "application/json": { schema: z.object({ tenantId: z.uuid() }).strict() } }, required: true } },
    responses: { 200: json(XeroConnectionViewSchema, "Connected."), ...problemResponses(400, 401, 403, 409, 422) },
  }),
  options: createRoute({ method: "get", path: "/xero/options", tags: ["Finance"], summary: "Accounts, tax rates and tracking categories to map", security, responses: { 200: json(z.object({}).passthrough(), "What can be mapped."), ...problemResponses(401, 403, 409) } }),
  mapping: createRoute({
    method: "put",
    path: "/xero/mapping",
    tags: ["Finance"],
    summary: "Map accounts (checked against the organisation's chart)",
    security,
    request: { body: { content: { "application/json": { schema: MappingSchema } }, required: true } },
    responses: { 200: json(XeroConnectionViewSchema, "Saved; parked bookings resume."), ...problemResponses(400, 401, 403, 409, 422) },
  }),
  disconnect: createRoute({ method: "delete", path: "/xero", tags: ["Finance"], summary: "Disconnect Xero (revokes the token)", security, responses: { 200: json(XeroConnectionViewSchema, "Disconnected."), ...problemResponses(401, 403, 409) } }),
  records: createRoute({
    method: "get",
    path: "/records",
    tags: ["Finance"],
    summary: "Accounting records (what is booked in Xero for our records)",
    security,
    request: {
      query: z.object({
        status: z.enum(["pending", "booked", "needs_attention", "parked"]).optional(),
        kind: z.enum(["sale_invoice", "refund_credit_note", "stripe_fees", "payout_bill", "payout_reversal"]).optional(),
        limit: z.coerce.number().int().min(1).max(1000).optional(),
      }),
    },
    responses: { 200: json(z.object({ items: z.array(z.object({}).passthrough()) }), "Newest first."), ...problemResponses(400, 401, 403) },
  }),
  retry: createRoute({
    method: "post",
    path: "/records/{id}/retry",
    tags: ["Finance"],
    summary: "Book a record that needs attention (or is parked) again",
    security,
    request: { params: z.object({ id: z.uuid() }) },
    responses: { 202: json(z.object({ queued: z.literal(true) }), "Queued."), ...problemResponses(400, 401, 403, 404) },
  }),
  reconcile: createRoute({
    method: "post",
    path: "/reconciliation/{day}",
    tags: ["Finance"],
    summary: "Reconcile a day now (Stripe, our ledger, Xero)",
    security,
    request: { params: z.object({ day }) },
    responses: { 200: json(z.object({ items: z.array(z.object({}).passthrough()) }), "One report per currency."), ...problemResponses(400, 401, 403, 409) },
  }),
  days: createRoute({
    method: "get",
    path: "/reconciliation",
    tags: ["Finance"],
    summary: "Reconciliation days, newest first (CSV with format=csv: one row per difference)",
    security,
    request: { query: z.object({ from: day.optional(), to: day.optional(), format: z.enum(["json", "csv"]).optional() }) },
    responses: { 200: { description: "The days.", content: { "application/json": { schema: z.object({ items: z.array(z.object({}).passthrough()) }) }, "text/csv": { schema: z.string() } } }, ...problemResponses(400, 401, 403) },
  }),
};

export function financeRoutes(deps: Deps): OpenAPIHono<Env> {
  const router = createRouter<Env>();
  router.use("*", operatorAuth(deps.config));
  const ctx = (c: Context<Env>) => operatorContext(c, deps.db);
  const answer = <T extends { ok: boolean }>(outcome: T | Refusal<XeroConnectCode>) => orProblem(outcome, XERO_CONNECT_STATUSES);
  router.openapi(routes.view, async (c) => c.json(await connectionView(ctx(c), deps), 200));
  router.openapi(routes.connect, async (c) => c.json({ consentUrl: answer(await startConnect(ctx(c), deps)).consentUrl }, 200));
  router.openapi(routes.organisation, async (c) => c.json(answer(await chooseOrganisation(ctx(c), deps, c.req.valid("json").tenantId)).view, 200));
  router.openapi(routes.options, async (c) => c.json(answer(await mappingOptions(ctx(c), deps)).options, 200));
  router.openapi(routes.mapping, async (c) => c.json(answer(await saveMapping(ctx(c), deps, c.req.valid("json"))).view, 200));
  router.openapi(routes.disconnect, async (c) => c.json(answer(await disconnect(ctx(c), deps)).view, 200));
  router.openapi(routes.records, async (c) => {
    const q = c.req.valid("query");
    return c.json({ items: await listRecords(ctx(c), { ...q, limit: q.limit ?? 100 }) }, 200);
  });
  router.openapi(routes.retry, async (c) => {
    if (!(await retryRecord(ctx(c), c.req.valid("param").id))) throw new ProblemError(404, "not_found", "No record that needs attention or is parked has this id.");
    return c.json({ queued: true as const }, 202);
  });
  router.openapi(routes.reconcile, async (c) => {
    if (!deps.xero) throw new ProblemError(409, "xero_not_configured", "Xero is not configured on this deployment.");
    return c.json({ items: await reconcileDay(ctx(c), deps, c.req.valid("param").day) }, 200);
  });
  router.openapi(routes.days, async (c) => {
    const q = c.req.valid("query");
    const items = await listReconciliationDays(ctx(c), q);
    if (q.format === "csv") return c.body(writeCsv(items), 200, { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="reconciliation.csv"' });
    return c.json({ items }, 200);
  });
  return router;
}

/**
 * GET /finance/xero/callback: Xero's redirect after consent, answered with a redirect to the
 * console's Xero page: `?status=` the connection's status, or `?error=` the refusal's code
 * (a tampered or replayed state, consent refused at Xero), which the page puts in words.
 */
export function xeroCallbackRoutes(deps: Deps): OpenAPIHono<AppEnv> {
  const router = createRouter();
  router.get("/finance/xero/callback", async (c) => {
    const ctx = platformContext({ db: deps.db, actor: "xero-callback", log: c.get("log"), requestId: c.get("requestId") });
    const done = await completeConnect(ctx, deps, new URL(c.req.url).searchParams);
    // Back to the console's Xero page either way: it says what happened (a refusal by its code).
    const outcome = done.ok ? `status=${encodeURIComponent(done.view.status)}` : `error=${encodeURIComponent(done.code)}`;
    return c.redirect(`/finance/xero?${outcome}`, 303);
  });
  return router;
}
