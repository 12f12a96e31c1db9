import { Hono } from "hono";
import { z } from "zod";
import type { Deps } from "../platform/deps.ts";
import { fieldError, ProblemError } from "../http/problem.ts";
import type { AppEnv } from "../http/request-context.ts";
import { listDeadLetters, replayDeadLetter } from "../jobs/dead-letters.ts";
import { listHeldPushes } from "../fulfillment/push/push-holds.ts";
import { financeOverview, listPayoutBookings } from "./accounting.queries.ts";
import { listRecords, listReconciliationDays } from "./accounting.queries.ts";
import { reconcileDay } from "./reconcile.ts";
import { writeCsv } from "./accounting.csv.ts";
import { retryRecord } from "./records.ts";
import { completeSignIn, endSession, requestSignIn, requireRole, staffAuth, type StaffVariables } from "./staff-session.ts";
import { financePayoutRoutes } from "./finance-console.payouts.ts";
import type { Context } from "hono";
import { orProblem } from "../http/refusals.ts";
import { platformContext, type Refusal } from "../platform/use-case.ts";
import { chooseOrganisation, connectionView, mappingOptions, saveMapping, startConnect, XERO_CONNECT_STATUSES, type XeroConnectCode } from "./xero-connect.ts";

/**
 * The finance console's API, `/v1/finance/*`, behind a staff session (cookie + CSRF token on
 * writes): what the console's pages read and do. Roles: support reads; finance also retries
 * bookings, replays dead letters, runs reconciliations and maps Xero accounts; admin also
 * connects Xero and chooses its organisation; payout runs and payout settings: admin and finance change, support reads. Sign-in: `POST /v1/finance/session` emails a link to `/finance/sign-in`.
 */
type Env = AppEnv & { Variables: StaffVariables };
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), "a real day");
const uuid = z.uuid();

/** A bad record key says which key and why (zod's own message is only "Invalid key in record"). */
function issueMessage(i: z.core.$ZodIssue): string {
  if (i.code === "invalid_key" && i.issues[0]) return `${String(i.path.at(-1))}: ${i.issues[0].message}`;
  return i.message;
}

async function body<T>(c: { req: { json(): Promise<unknown> } }, schema: z.ZodType<T>): Promise<T> {
  const raw = await c.req.json().catch(() => {
    throw new ProblemError(400, "invalid_json", "The body must be JSON.");
  });
  const r = schema.safeParse(raw);
  if (!r.success) {
    throw new ProblemError(422, "invalid_body", {
      detail: r.error.issues.map((i) => `${i.path.join(".") || "body"}: ${issueMessage(i)}`).join("; "),
      errors: r.error.issues.map((i) => fieldError(i.path.map((k) => (typeof k === "symbol" ? String(k) : k)), i.code, issueMessage(i))),
    });
  }
  return r.data;
}

function param<T>(schema: z.ZodType<T>, value: string | undefined, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new ProblemError(400, "invalid_parameter", `${what} is not valid`);
  return r.data;
}

const OrganisationBody = z.object({ tenantId: z.uuid() }).strict();

const MappingBody = z
  .object({
    billsAccountCode: z.string().min(1).max(20),
    taxType: z.string().min(1).max(50),
    trackingCategory: z.string().min(1).max(100),
    clearingAccountCode: z.string().min(1).max(20),
    salesAccountCode: z.string().min(1).max(20),
    feesAccountCode: z.string().min(1).max(20),
  })
  .strict();

export function financeConsoleRoutes(deps: Deps): Hono<Env> {
  const app = new Hono<Env>();
  app.post("/session", async (c) => {
    const { email } = await body(c, z.object({ email: z.email().max(320) }).strict());
    await requestSignIn(deps, c, email);
    return c.json({ sent: true, detail: "If this address has a console account, a sign-in link is on its way." }, 202);
  });

  const staff = new Hono<Env>();
  staff.use("*", staffAuth(deps));
  staff.get("/me", (c) => {
    const s = c.get("staff");
    return c.json({ email: s.email, name: s.name, role: s.role, csrfToken: s.csrf });
  });
  staff.post("/session/logout", async (c) => {
    await endSession(deps, c);
    return c.json({ signedOut: true });
  });
  staff.get("/overview", async (c) => c.json(await financeOverview(deps)));
  staff.get("/payouts", async (c) => c.json({ items: await listPayoutBookings(deps) }));
  staff.get("/exceptions", async (c) => {
    const [attention, parked, deadLetters, heldPushes] = await Promise.all([
      listRecords(deps, { status: "needs_attention", limit: 200 }),
      listRecords(deps, { status: "parked", limit: 200 }),
      listDeadLetters(deps.db, { limit: 200 }),
      listHeldPushes(deps, { limit: 200 }),
    ]);
    return c.json({ needsAttention: attention, parked, deadLetters, heldPushes });
  });
  staff.post("/records/:id/retry", async (c) => {
    requireRole(c.get("staff"), ["admin", "finance"]);
    if (!(await retryRecord(deps, param(uuid, c.req.param("id"), "the record id")))) throw new ProblemError(404, "not_found", "No record that needs attention or is parked has this id.");
    return c.json({ queued: true }, 202);
  });
  staff.post("/dead-letters/:id/replay", async (c) => {
    requireRole(c.get("staff"), ["admin", "finance", "support"]);
    const r = await replayDeadLetter(deps.db, param(uuid, c.req.param("id"), "the dead letter id"));
    if (!r.ok) throw new ProblemError(r.code === "not_found" ? 404 : 409, r.code, r.code === "not_found" ? "No dead letter has this id." : "This dead letter was replayed already.");
    return c.json({ jobId: r.jobId }, 202);
  });
  staff.get("/reconciliation", async (c) => c.json({ items: await listReconciliationDays(deps, {}) }));
  staff.get("/reconciliation.csv", async (c) =>
    c.body(writeCsv(await listReconciliationDays(deps, {})), 200, { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="reconciliation.csv"' }),
  );
  staff.post("/reconciliation/:day", async (c) => {
    requireRole(c.get("staff"), ["admin", "finance"]);
    if (!deps.xero) throw new ProblemError(409, "xero_not_configured", "Xero is not configured on this deployment.");
    return c.json({ items: await reconcileDay(deps, param(day, c.req.param("day"), "the day")) });
  });
  const ctx = (c: Context<Env>) => platformContext({ db: deps.db, actor: `staff:${c.get("staff").email}`, log: c.get("log"), requestId: c.get("requestId") });
  const answer = <T extends { ok: boolean }>(outcome: T | Refusal<XeroConnectCode>) => orProblem(outcome, XERO_CONNECT_STATUSES);
  staff.get("/xero", async (c) => c.json(await connectionView(ctx(c), deps)));
  staff.get("/xero/options", async (c) => c.json(answer(await mappingOptions(ctx(c), deps)).options));
  staff.post("/xero/connect", async (c) => {
    requireRole(c.get("staff"), ["admin"]);
    return c.json({ consentUrl: answer(await startConnect(ctx(c), deps)).consentUrl });
  });
  staff.put("/xero/organisation", async (c) => {
    requireRole(c.get("staff"), ["admin"]);
    const { tenantId } = await body(c, OrganisationBody);
    return c.json(answer(await chooseOrganisation(ctx(c), deps, tenantId)).view);
  });
  staff.put("/xero/mapping", async (c) => {
    requireRole(c.get("staff"), ["admin", "finance"]);
    return c.json(answer(await saveMapping(ctx(c), deps, await body(c, MappingBody))).view);
  });
  staff.get("/settings", (c) =>
    c.json({
      platformCurrency: deps.config.PLATFORM_CURRENCY,
      xero: { configured: Boolean(deps.xero), minuteLimit: deps.config.XERO_MINUTE_LIMIT, concurrencyLimit: deps.config.XERO_CONCURRENCY_LIMIT, redirectUri: deps.config.xeroRedirectUri },
      alerts: { slack: Boolean(deps.config.SLACK_WEBHOOK_URL), sentry: Boolean(deps.config.SENTRY_DSN), recent: deps.alerts.recent().slice(-20).reverse() },
      jobs: { driver: deps.config.JOB_DRIVER },
    }),
  );
  financePayoutRoutes(deps, staff, body);
  app.route("/", staff);
  return app;
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
