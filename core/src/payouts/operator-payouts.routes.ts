import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Deps } from "../platform/deps.ts";
import { operatorAuth, operatorContext, OPERATOR_SECURITY_SCHEME, operatorSecurityScheme } from "../http/operator-auth.ts";
import type { OperatorEnv } from "../http/operator.routes.ts";
import { problemResponses, ProblemError } from "../http/problem.ts";
import { dateTime } from "../http/ranges.ts";
import { createRouter } from "../http/router.ts";
import { MAX_COMMISSION_BPS } from "./money-model.ts";
import { approvePayout, inspectPayout, listPayouts, retryPayout, type ChangeResult } from "./operator-payouts.ts";
import { PAYOUT_STATUSES, type PayoutStatus } from "./payout-lifecycle.ts";
import { PayoutRunBusy, runPayouts } from "./run.ts";
import { effective, platformSettings, updatePlatformSettings, updateVendorSettings, vendorOverrides } from "./settings.ts";

/**
 * The operator's payouts API, mounted at /v1/operator/payouts: preview (dry run, writes
 * nothing), run now (one at a time: 409 `run_in_progress`), list, inspect, approve a draft,
 * retry a failed or needs-attention payout, and the payout settings (platform default and per
 * brand). Every change is audited.
 */
const security = [{ [OPERATOR_SECURITY_SCHEME]: [] }];
const tags = ["Operator", "Payouts"];
const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });
const Status = z.enum(PAYOUT_STATUSES as [PayoutStatus, ...PayoutStatus[]]);
const Currency = z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 currency code in capitals");
const Minimums = z.record(Currency, z.number().int().min(0).max(100_000_000)).openapi({ description: "Minimum payout per currency, minor units.", example: { USD: 2500 } });

const Planned = z.object({
  payoutId: z.uuid().nullable(),
  vendorId: z.uuid(),
  vendorName: z.string(),
  currency: z.string(),
  lineCount: z.number().int(),
  orderCount: z.number().int(),
  linesAmount: z.number().int(),
  adjustmentsAmount: z.number().int(),
  amount: z.number().int(),
  commissionAmount: z.number().int(),
  status: z.enum(["draft", "approved"]),
});
const Carry = z.object({
  vendorId: z.uuid(),
  vendorName: z.string(),
  currency: z.string(),
  unitCount: z.number().int(),
  amountMinor: z.number().int(),
  reason: z.enum(["account_not_active", "minimum_not_met", "negative_balance"]),
  detail: z.string(),
});
const RunResult = z.object({ runId: z.uuid().nullable(), dryRun: z.boolean(), asOf: z.string(), payouts: z.array(Planned), carriedOver: z.array(Carry) }).openapi("PayoutRunResult");
const RunInput = z
  .object({
    vendorId: z.uuid().optional().openapi({ description: "Only this brand." }),
    asOf: dateTime().optional().openapi({ description: "Sandbox and tests only (refused in production): settle as of this instant." }),
  })
  .strict()
  .openapi("PayoutRunInput");
const Settings = z.object({ commissionBps: z.number().int(), settlementDays: z.number().int(), minimumPayout: Minimums, scheduleDays: z.number().int(), approvalRequired: z.boolean() }).openapi("PayoutSettings");
const SettingsPatch = z
  .object({
    commissionBps: z.number().int().min(0).max(MAX_COMMISSION_BPS).optional(),
    settlementDays: z.number().int().min(0).max(365).optional(),
    minimumPayout: Minimums.optional(),
    scheduleDays: z.number().int().min(1).max(365).optional(),
    approvalRequired: z.boolean().optional(),
  })
  .strict()
  .openapi("PayoutSettingsPatch");
const VendorPatch = z
  .object({
    commissionBps: z.number().int().min(0).max(MAX_COMMISSION_BPS).nullable().optional(),
    settlementDays: z.number().int().min(0).max(365).nullable().optional(),
    minimumPayout: Minimums.nullable().optional(),
    approvalRequired: z.boolean().nullable().optional(),
  })
  .strict()
  .openapi("VendorPayoutSettingsPatch", { description: "null clears an override (the platform's setting applies)." });
const VendorSettings = z.object({
  overrides: z.object({ commissionBps: z.number().int().nullable(), settlementDays: z.number().int().nullable(), minimumPayout: Minimums.nullable(), approvalRequired: z.boolean().nullable() }),
  effective: Settings,
}).openapi("VendorPayoutSettings");
const Change = z.object({ id: z.uuid(), status: Status, version: z.number().int() }).openapi("PayoutChange");
const VersionBody = z.object({ version: z.number().int().min(1).max(2_147_483_647).optional().openapi({ description: "The version you read; 409 `stale` if it changed since." }) }).strict();
const IdParam = z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) });
const VendorParam = z.object({ vendorId: z.uuid().openapi({ param: { name: "vendorId", in: "path" } }) });
const Item = z.object({
  id: z.uuid(), vendorId: z.uuid(), vendorName: z.string(), status: Status, version: z.number().int(), currency: z.string(), amountMinor: z.number().int(),
  lineCount: z.number().int(), failureReason: z.string().nullable(), createdAt: z.string(), paidAt: z.string().nullable(),
});

const routes = {
  preview: createRoute({
    method: "get", path: "/preview", tags, security, summary: "Preview a payout run (dry run: writes nothing)",
    request: { query: z.object({ vendorId: z.uuid().optional(), asOf: dateTime().optional().openapi({ description: "Settle as of this instant (default now)." }) }) },
    responses: { 200: { description: "What a run would pay and carry over.", ...json(RunResult) }, ...problemResponses(400, 401, 403) },
  }),
  run: createRoute({
    method: "post", path: "/runs", tags, security, summary: "Run a payout cycle now",
    request: { body: { required: false, ...json(RunInput) } },
    responses: {
      201: { description: "The run: its payouts (transfers enqueued unless approval is required) and carry-overs.", ...json(RunResult) },
      ...problemResponses(400, 401, 403, 413, 415, 422, { 409: "Another payout run is under way (`run_in_progress`)." }),
    },
  }),
  list: createRoute({
    method: "get", path: "/", tags, security, summary: "List payouts, newest first",
    request: { query: z.object({ status: Status.optional(), vendorId: z.uuid().optional(), limit: z.coerce.number().int().min(1).max(1000).optional() }) },
    responses: { 200: { description: "Payouts.", ...json(z.object({ items: z.array(Item) })) }, ...problemResponses(400, 401, 403) },
  }),
  inspect: createRoute({
    method: "get", path: "/{id}", tags, security, summary: "A payout with lines, transfers, adjustments and history",
    request: { params: IdParam },
    responses: { 200: { description: "The payout.", ...json(z.record(z.string(), z.unknown()).openapi("OperatorPayout")) }, ...problemResponses(400, 401, 403, 404) },
  }),
  approve: createRoute({
    method: "post", path: "/{id}/approve", tags, security, summary: "Approve a draft payout (its transfers start)",
    request: { params: IdParam, body: { required: false, ...json(VersionBody) } },
    responses: { 200: { description: "Approved.", ...json(Change) }, ...problemResponses(400, 401, 403, 404, 413, 415, 422, { 409: "Not a draft (`not_allowed`, e.g. already transferring) or changed since read (`stale`)." }) },
  }),
  retry: createRoute({
    method: "post", path: "/{id}/retry", tags, security, summary: "Retry a failed or needs-attention payout",
    request: { params: IdParam, body: { required: false, ...json(VersionBody) } },
    responses: { 200: { description: "Transferring again.", ...json(Change) }, ...problemResponses(400, 401, 403, 404, 413, 415, 422, { 409: "Not failed or needing attention (`not_allowed`) or changed since read (`stale`)." }) },
  }),
  getSettings: createRoute({
    method: "get", path: "/settings", tags, security, summary: "The platform's payout settings",
    responses: { 200: { description: "Settings.", ...json(Settings) }, ...problemResponses(401, 403) },
  }),
  putSettings: createRoute({
    method: "patch", path: "/settings", tags, security, summary: "Change the platform's payout settings (audited)",
    request: { body: { required: true, ...json(SettingsPatch) } },
    responses: { 200: { description: "Settings after the change.", ...json(Settings) }, ...problemResponses(400, 401, 403, 413, 415, 422) },
  }),
  getVendor: createRoute({
    method: "get", path: "/settings/vendors/{vendorId}", tags, security, summary: "A brand's payout settings: its overrides and what applies",
    request: { params: VendorParam },
    responses: { 200: { description: "Settings.", ...json(VendorSettings) }, ...problemResponses(400, 401, 403, 404) },
  }),
  putVendor: createRoute({
    method: "patch", path: "/settings/vendors/{vendorId}", tags, security, summary: "Change a brand's payout overrides (audited)",
    request: { params: VendorParam, body: { required: true, ...json(VendorPatch) } },
    responses: { 200: { description: "Settings after the change.", ...json(VendorSettings) }, ...problemResponses(400, 401, 403, 404, 413, 415, 422) },
  }),
};

function changed(id: string, r: ChangeResult) {
  if (r.ok) return { id, status: r.status, version: r.version };
  if (r.code === "not_found") throw new ProblemError(404, "not_found", r.message);
  throw new ProblemError(409, r.code, r.message);
}

export function operatorPayoutRoutes(deps: Deps): OpenAPIHono<OperatorEnv> {
  const router = createRouter<OperatorEnv>();
  router.openAPIRegistry.registerComponent("securitySchemes", OPERATOR_SECURITY_SCHEME, operatorSecurityScheme);
  router.use("*", operatorAuth(deps.config));
  const ctx = (c: Context<OperatorEnv>) => operatorContext(c, deps.db);

  router.openapi(routes.preview, async (c) => {
    const q = c.req.valid("query");
    const r = await runPayouts(ctx(c), deps, { trigger: "operator", dryRun: true, ...(q.vendorId ? { vendorId: q.vendorId } : {}), ...(q.asOf ? { asOf: new Date(q.asOf) } : {}) });
    return c.json(r, 200);
  });
  router.openapi(routes.run, async (c) => {
    const body = (c.req.valid("json") as z.infer<typeof RunInput> | undefined) ?? {};
    if (body.asOf && deps.config.NODE_ENV === "production") {
      throw new ProblemError(422, "as_of_not_allowed", "asOf is for sandbox mode and tests; a production run settles as of now.");
    }
    try {
      const r = await runPayouts(ctx(c), deps, { trigger: "operator", dryRun: false, ...(body.vendorId ? { vendorId: body.vendorId } : {}), ...(body.asOf ? { asOf: new Date(body.asOf) } : {}) });
      return c.json(r, 201);
    } catch (err) {
      if (err instanceof PayoutRunBusy) throw new ProblemError(409, "run_in_progress", "Another payout run is under way; try again when it has finished.");
      throw err;
    }
  });
  router.openapi(routes.list, async (c) => {
    const q = c.req.valid("query");
    return c.json({ items: await listPayouts(ctx(c), { limit: q.limit ?? 100, ...(q.status ? { status: q.status } : {}), ...(q.vendorId ? { vendorId: q.vendorId } : {}) }) }, 200);
  });
  router.openapi(routes.getSettings, async (c) => c.json(await platformSettings(deps.db.prisma), 200));
  router.openapi(routes.putSettings, async (c) => c.json(await updatePlatformSettings(ctx(c), c.req.valid("json")), 200));
  router.openapi(routes.getVendor, async (c) => {
    const { vendorId } = c.req.valid("param");
    const found = await deps.db.prisma.vendor.findUnique({ where: { id: vendorId }, select: { id: true } });
    if (!found) throw new ProblemError(404, "not_found", "No brand has this id.");
    const overrides = await vendorOverrides(deps.db.prisma, vendorId);
    return c.json({ overrides, effective: effective(await platformSettings(deps.db.prisma), overrides) }, 200);
  });
  router.openapi(routes.putVendor, async (c) => {
    const r = await updateVendorSettings(ctx(c), c.req.valid("param").vendorId, c.req.valid("json"));
    if (!r) throw new ProblemError(404, "not_found", "No brand has this id.");
    return c.json(r, 200);
  });
  router.openapi(routes.inspect, async (c) => {
    const p = await inspectPayout(ctx(c), c.req.valid("param").id);
    if (!p) throw new ProblemError(404, "not_found", "No payout has this id.");
    return c.json(p, 200);
  });
  router.openapi(routes.approve, async (c) => {
    const { id } = c.req.valid("param");
    const body = (c.req.valid("json") as { version?: number } | undefined) ?? {};
    return c.json(changed(id, await approvePayout(ctx(c), deps, id, body.version)), 200);
  });
  router.openapi(routes.retry, async (c) => {
    const { id } = c.req.valid("param");
    const body = (c.req.valid("json") as { version?: number } | undefined) ?? {};
    return c.json(changed(id, await retryPayout(ctx(c), deps, id, body.version)), 200);
  });
  return router;
}

/** The answers' schemas, for the finance console's payout routes (accounting/finance-console.payouts.ts), which answer the same. */
export { RunResult as PayoutRunResultSchema, Settings as PayoutSettingsSchema, VendorSettings as VendorPayoutSettingsSchema, Change as PayoutChangeSchema, Item as PayoutItemSchema };
