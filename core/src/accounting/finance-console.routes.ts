import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { Hono, type Context, type MiddlewareHandler } from "hono";
import type { Deps } from "../platform/deps.ts";
import { ProblemError, problemResponses } from "../http/problem.ts";
import type { AppEnv } from "../http/request-context.ts";
import { createRouter } from "../http/router.ts";
import { listDeadLetters, replayDeadLetter } from "../jobs/dead-letters.ts";
import { listHeldPushes } from "../fulfillment/push/push-holds.ts";
import { financeOverview, listPayoutBookings } from "./accounting.queries.ts";
import { listRecords, listReconciliationDays } from "./accounting.queries.ts";
import { reconcileDay } from "./reconcile.ts";
import { writeCsv } from "./accounting.csv.ts";
import { retryRecord } from "./records.ts";
import {
  completeSignIn,
  endSession,
  requestSignIn,
  staffAuth,
  staffContext,
  staffReadSecurity as read,
  staffRoles,
  staffSecuritySchemes,
  staffWriteSecurity as write,
  type StaffVariables,
} from "./staff-session.ts";
import { financePayoutRoutes } from "./finance-console.payouts.ts";
import { orProblem } from "../http/refusals.ts";
import type { Refusal } from "../platform/use-case.ts";
import { chooseOrganisation, connectionView, mappingOptions, saveMapping, startConnect, XERO_CONNECT_STATUSES, type XeroConnectCode } from "./xero-connect.ts";
import {
  bodyPresence,
  bodyProblems,
  Day,
  ExceptionsSchema,
  json,
  MappingBody,
  MappingOptionsSchema,
  OrganisationBody,
  OverviewSchema,
  PayoutBookingSchema,
  DayReportSchema,
  ReconciliationDaySchema,
  refusing,
  SettingsSchema,
  SignInBody,
  StaffSchema,
  tags,
  XeroConnectionViewSchema,
} from "./finance-console.schemas.ts";

/**
 * The finance console's API, `/v1/finance/*`, behind a staff session (cookie + CSRF token on
 * writes): what the console's pages read and do. Roles: support reads; finance also retries
 * bookings, replays dead letters, runs reconciliations and maps Xero accounts; admin also
 * connects Xero and chooses its organisation; payout runs and payout settings: admin and finance change, support reads. Sign-in: `POST /v1/finance/session` emails a link to `/finance/sign-in`.
 * A route's role is checked before its input is read (a support account is refused 403 whatever it sends).
 */
export type FinanceEnv = AppEnv & { Variables: StaffVariables };
type Env = FinanceEnv;

const finance = staffRoles(["admin", "finance"]);
const admin = staffRoles(["admin"]);
const requiredBody = bodyPresence(true);

const IdParam = z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) });
const DayParam = z.object({ day: Day.openapi({ param: { name: "day", in: "path" } }) });
const xeroProblems = { 409: "Xero is not configured, not connected or needs connecting again (`xero_not_configured`, `xero_not_connected`, `xero_needs_reauth`).", 502: "Xero refused the call (`xero_refused`)." };

const routes = {
  signIn: createRoute({
    method: "post",
    path: "/session",
    tags,
    summary: "Email a sign-in link to the console",
    description: "The answer is the same whether or not the address has a console account (or asked too often). The link opens a 12-hour session.",
    middleware: [requiredBody],
    request: { body: { required: true, ...json(SignInBody) } },
    responses: {
      202: { description: "If the address has an account, the link is on its way.", ...json(z.object({ sent: z.literal(true), detail: z.string() })) },
      ...problemResponses(...bodyProblems),
    },
  }),
  me: createRoute({
    method: "get",
    path: "/me",
    tags,
    summary: "Who is signed in, and the session's CSRF token",
    security: read,
    responses: { 200: { description: "The signed-in staff member.", ...json(StaffSchema) }, ...problemResponses({ 401: "Not signed in (`not_signed_in`)." }) },
  }),
  signOut: createRoute({
    method: "post",
    path: "/session/logout",
    tags,
    summary: "Sign out (the session ends, the cookie is cleared)",
    security: write,
    responses: { 200: { description: "Signed out.", ...json(z.object({ signedOut: z.literal(true) })) }, ...problemResponses(401, { 403: "Not from the console's origin or without the CSRF token (`csrf_origin`, `csrf_token`)." }) },
  }),
  overview: createRoute({
    method: "get",
    path: "/overview",
    tags,
    summary: "Money in, refunds, fees, what brands are owed and were paid, commission; by week",
    security: read,
    responses: { 200: { description: "The overview.", ...json(OverviewSchema) }, ...problemResponses(401) },
  }),
  payouts: createRoute({
    method: "get",
    path: "/payouts",
    tags,
    summary: "Paid payouts as booked in Xero, with Stripe's transfers",
    security: read,
    responses: { 200: { description: "Newest first (at most 500).", ...json(z.object({ items: z.array(PayoutBookingSchema) })) }, ...problemResponses(401) },
  }),
  exceptions: createRoute({
    method: "get",
    path: "/exceptions",
    tags,
    summary: "What needs a person: refused and parked bookings, dead letters, held Shopify pushes",
    security: read,
    responses: { 200: { description: "At most 200 of each.", ...json(ExceptionsSchema) }, ...problemResponses(401) },
  }),
  retryRecord: createRoute({
    method: "post",
    path: "/records/{id}/retry",
    tags,
    summary: "Book a record that needs attention (or is parked) again",
    description: "Admin and finance.",
    security: write,
    middleware: [finance],
    request: { params: IdParam },
    responses: { 202: { description: "Queued.", ...json(z.object({ queued: z.literal(true) })) }, ...problemResponses(400, 401, 403, { 404: "No record that needs attention or is parked has this id." }) },
  }),
  replay: createRoute({
    method: "post",
    path: "/dead-letters/{id}/replay",
    tags,
    summary: "Replay a dead-lettered job",
    description: "Every role.",
    security: write,
    request: { params: IdParam },
    responses: {
      202: { description: "The job is back in the queue.", ...json(z.object({ jobId: z.uuid() })) },
      ...problemResponses(400, 401, 403, { 404: "No dead letter has this id (`not_found`).", 409: "Replayed already (`already_replayed`)." }),
    },
  }),
  days: createRoute({
    method: "get",
    path: "/reconciliation",
    tags,
    summary: "Reconciliation days, newest first",
    security: read,
    responses: { 200: { description: "At most 400 days and currencies.", ...json(z.object({ items: z.array(ReconciliationDaySchema) })) }, ...problemResponses(401) },
  }),
  daysCsv: createRoute({
    method: "get",
    path: "/reconciliation.csv",
    tags,
    summary: "Reconciliation days as CSV (a download: one row per difference)",
    security: read,
    responses: { 200: { description: "`reconciliation.csv`.", content: { "text/csv": { schema: z.string() } } }, ...problemResponses(401) },
  }),
  reconcile: createRoute({
    method: "post",
    path: "/reconciliation/{day}",
    tags,
    summary: "Reconcile a day now (Stripe, our ledger, Xero)",
    description: "Admin and finance.",
    security: write,
    middleware: [finance],
    request: { params: DayParam },
    responses: {
      200: { description: "One report per currency.", ...json(z.object({ items: z.array(DayReportSchema) })) },
      ...problemResponses(400, 401, 403, { 409: "Xero is not configured on this deployment (`xero_not_configured`)." }),
    },
  }),
  xero: createRoute({
    method: "get",
    path: "/xero",
    tags,
    summary: "The Xero connection, mapping and booking counts",
    security: read,
    responses: { 200: { description: "The connection.", ...json(XeroConnectionViewSchema) }, ...problemResponses(401) },
  }),
  xeroOptions: createRoute({
    method: "get",
    path: "/xero/options",
    tags,
    summary: "Accounts, tax rates and tracking categories to map",
    security: read,
    responses: { 200: { description: "The organisation's chart.", ...json(MappingOptionsSchema) }, ...problemResponses(401, xeroProblems) },
  }),
  connect: createRoute({
    method: "post",
    path: "/xero/connect",
    tags,
    summary: "Start connecting Xero: the consent page to open",
    description: "Admin only.",
    security: write,
    middleware: [admin],
    responses: { 200: { description: "Open consentUrl in the browser.", ...json(z.object({ consentUrl: z.string() })) }, ...problemResponses(401, 403, { 409: "Xero is not configured (`xero_not_configured`)." }) },
  }),
  organisation: createRoute({
    method: "put",
    path: "/xero/organisation",
    tags,
    summary: "Choose the organisation among Xero's connections",
    description: "Admin only.",
    security: write,
    middleware: [admin, requiredBody],
    request: { body: { required: true, ...json(OrganisationBody) } },
    responses: {
      200: { description: "Connected.", ...json(XeroConnectionViewSchema) },
      ...problemResponses(401, 403, ...bodyProblems, xeroProblems, { 422: "Not a connected organisation (`unknown_organisation`), its base currency is not the platform's (`base_currency_mismatch`), or the body failed its schema (`validation_failed`)." }),
    },
  }),
  mapping: createRoute({
    method: "put",
    path: "/xero/mapping",
    tags,
    summary: "Map accounts (checked against the organisation's chart)",
    description: "Admin and finance.",
    security: write,
    middleware: [finance, requiredBody],
    request: { body: { required: true, ...json(MappingBody) } },
    responses: {
      200: { description: "Saved; parked bookings resume.", ...json(XeroConnectionViewSchema) },
      ...problemResponses(401, 403, ...bodyProblems, xeroProblems, { 422: "An account, the tax type or the tracking category does not fit (its code, every problem in `errors`), or the body failed its schema (`validation_failed`)." }),
    },
  }),
  settings: createRoute({
    method: "get",
    path: "/settings",
    tags,
    summary: "The deployment's finance settings and recent alerts",
    security: read,
    responses: { 200: { description: "The settings.", ...json(SettingsSchema) }, ...problemResponses(401) },
  }),
};

/** 409 before the day is read when this deployment has no Xero app: reconciling needs it. */
function xeroConfigured(deps: Deps): MiddlewareHandler<Env> {
  return async function xeroConfigured(_c, next) {
    if (!deps.xero) throw new ProblemError(409, "xero_not_configured", "Xero is not configured on this deployment.");
    await next();
  };
}

export function financeConsoleRoutes(deps: Deps): OpenAPIHono<Env> {
  const router = createRouter<Env>();
  for (const [name, scheme] of Object.entries(staffSecuritySchemes(deps))) router.openAPIRegistry.registerComponent("securitySchemes", name, scheme);
  router.openapi(
    routes.signIn,
    async (c) => {
      await requestSignIn(deps, c, c.req.valid("json").email);
      return c.json({ sent: true as const, detail: "If this address has a console account, a sign-in link is on its way." }, 202);
    },
    refusing("the body"),
  );

  const staff = createRouter<Env>();
  staff.use("*", staffAuth(deps));
  const ctx = (c: Context<Env>) => staffContext(c, deps.db);
  staff.openapi(routes.me, (c) => {
    const s = c.get("staff");
    return c.json({ email: s.email, name: s.name, role: s.role, csrfToken: s.csrf }, 200);
  });
  staff.openapi(routes.signOut, async (c) => {
    await endSession(deps, c);
    return c.json({ signedOut: true as const }, 200);
  });
  staff.openapi(routes.overview, async (c) => c.json(await financeOverview(ctx(c), deps), 200));
  staff.openapi(routes.payouts, async (c) => c.json({ items: await listPayoutBookings(ctx(c)) }, 200));
  staff.openapi(routes.exceptions, async (c) => {
    const staffCtx = ctx(c);
    const [attention, parked, deadLetters, heldPushes] = await Promise.all([
      listRecords(staffCtx, { status: "needs_attention", limit: 200 }),
      listRecords(staffCtx, { status: "parked", limit: 200 }),
      listDeadLetters(staffCtx, { limit: 200 }),
      listHeldPushes(staffCtx, { limit: 200 }),
    ]);
    return c.json({ needsAttention: attention, parked, deadLetters, heldPushes }, 200);
  });
  staff.openapi(
    routes.retryRecord,
    async (c) => {
      if (!(await retryRecord(ctx(c), c.req.valid("param").id))) throw new ProblemError(404, "not_found", "No record that needs attention or is parked has this id.");
      return c.json({ queued: true as const }, 202);
    },
    refusing("the record id"),
  );
  staff.openapi(
    routes.replay,
    async (c) => {
      const r = await replayDeadLetter(ctx(c), c.req.valid("param").id);
      if (!r.ok) throw new ProblemError(r.code === "not_found" ? 404 : 409, r.code, r.code === "not_found" ? "No dead letter has this id." : "This dead letter was replayed already.");
      return c.json({ jobId: r.jobId }, 202);
    },
    refusing("the dead letter id"),
  );
  staff.openapi(routes.days, async (c) => c.json({ items: await listReconciliationDays(ctx(c), {}) }, 200));
  staff.openapi(routes.daysCsv, async (c) =>
    c.body(writeCsv(await listReconciliationDays(ctx(c), {})), 200, { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="reconciliation.csv"' }),
  );
  staff.openapi(
    { ...routes.reconcile, middleware: [...routes.reconcile.middleware, xeroConfigured(deps)] },
    async (c) => c.json({ items: await reconcileDay(ctx(c), deps, c.req.valid("param").day) }, 200),
    refusing("the day"),
  );
  const answer = <T extends { ok: boolean }>(outcome: T | Refusal<XeroConnectCode>) => orProblem(outcome, XERO_CONNECT_STATUSES);
  staff.openapi(routes.xero, async (c) => c.json(await connectionView(ctx(c), deps), 200));
  staff.openapi(routes.xeroOptions, async (c) => c.json(answer(await mappingOptions(ctx(c), deps)).options, 200));
  staff.openapi(routes.connect, async (c) => c.json({ consentUrl: answer(await startConnect(ctx(c), deps)).consentUrl }, 200));
  staff.openapi(routes.organisation, async (c) => c.json(answer(await chooseOrganisation(ctx(c), deps, c.req.valid("json").tenantId)).view, 200), refusing("the body"));
  staff.openapi(routes.mapping, async (c) => c.json(answer(await saveMapping(ctx(c), deps, c.req.valid("json"))).view, 200), refusing("the body"));
  staff.openapi(routes.settings, (c) =>
    c.json(
      {
        platformCurrency: deps.config.PLATFORM_CURRENCY,
        xero: { configured: Boolean(deps.xero), minuteLimit: deps.config.XERO_MINUTE_LIMIT, concurrencyLimit: deps.config.XERO_CONCURRENCY_LIMIT, redirectUri: deps.config.xeroRedirectUri },
        alerts: { slack: Boolean(deps.config.SLACK_WEBHOOK_URL), sentry: Boolean(deps.config.SENTRY_DSN), recent: deps.alerts.recent().slice(-20).reverse() },
        jobs: { driver: deps.config.JOB_DRIVER },
      },
      200,
    ),
  );
  financePayoutRoutes(deps, staff);
  router.route("/", staff);
  return router;
}

/** GET /finance/sign-in?token=…: the emailed link; opens the session and goes to the console. */
export function staffSignInPage(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/finance/sign-in", async (c) => {
    await completeSignIn(deps, c, c.req.query("token") ?? "");
    return c.redirect("/finance", 303);
  });
  return app;
}
