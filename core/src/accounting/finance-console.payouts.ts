import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Deps } from "../platform/deps.ts";
import { ProblemError, problemResponses } from "../http/problem.ts";
import { approvePayout, listPayouts, retryPayout, type ChangeResult } from "../payouts/operator-payouts.ts";
import { PayoutChangeSchema, PayoutRunResultSchema, PayoutSettingsSchema, VendorPayoutSettingsSchema } from "../payouts/operator-payouts.routes.ts";
import { PayoutRunBusy, runPayouts } from "../payouts/run.ts";
import { effective, platformSettings, updatePlatformSettings, updateVendorSettings, vendorOverrides } from "../payouts/settings.ts";
import { staffContext, staffRoles, staffReadSecurity as read, staffWriteSecurity as write } from "./staff-session.ts";
import type { FinanceEnv } from "./finance-console.routes.ts";
import { bodyPresence, bodyProblems, BrandPatch, json, PayoutQueuesSchema, PayoutSettingsOverviewSchema, PlatformPatch, refusing, RunBody, tags, VersionBody } from "./finance-console.schemas.ts";

/**
 * The console's payout runs and payout settings under `/v1/finance`, through the payouts
 * module's use cases (which audit every change): preview a run, run now (one at a time: 409
 * `run_in_progress`), approve drafts, retry failed payouts, and the platform's and each
 * brand's commission, settlement window, minimum payout and approval. Admin and finance
 * change; support reads.
 */
const writer = staffRoles(["admin", "finance"]);
const optionalBody = bodyPresence(false);
const requiredBody = bodyPresence(true);
const PayoutParam = z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) });
const BrandParam = z.object({ vendorId: z.uuid().openapi({ param: { name: "vendorId", in: "path" } }) });

const routes = {
  preview: createRoute({
    method: "get",
    path: "/payout-runs/preview",
    tags,
    summary: "Preview the next payout run (dry run: writes nothing)",
    security: read,
    request: { query: z.object({ vendorId: z.union([z.uuid(), z.literal("")]).optional().openapi({ description: "Only this brand (empty: every brand)." }) }) },
    responses: { 200: { description: "Who would be paid and who carries over, and why.", ...json(PayoutRunResultSchema) }, ...problemResponses(400, 401) },
  }),
  run: createRoute({
    method: "post",
    path: "/payout-runs",
    tags,
    summary: "Run payouts now",
    description: "Admin and finance. The body is optional.",
    security: write,
    middleware: [writer, optionalBody],
    request: { body: { required: false, ...json(RunBody) } },
    responses: {
      201: { description: "The run: its payouts (drafts when approval is required, else transfers start) and carry-overs.", ...json(PayoutRunResultSchema) },
      ...problemResponses(401, 403, ...bodyProblems, { 409: "Another payout run is under way (`run_in_progress`)." }),
    },
  }),
  queues: createRoute({
    method: "get",
    path: "/payout-runs/payouts",
    tags,
    summary: "Drafts waiting for approval, failed payouts, recent payouts",
    security: read,
    responses: { 200: { description: "The queues.", ...json(PayoutQueuesSchema) }, ...problemResponses(401) },
  }),
  approve: createRoute({
    method: "post",
    path: "/payout-runs/payouts/{id}/approve",
    tags,
    summary: "Approve a draft payout (its transfers start)",
    description: "Admin and finance. The body is optional.",
    security: write,
    middleware: [writer, optionalBody],
    request: { params: PayoutParam, body: { required: false, ...json(VersionBody) } },
    responses: {
      200: { description: "Approved.", ...json(PayoutChangeSchema) },
      ...problemResponses(401, 403, ...bodyProblems, { 404: "No payout has this id.", 409: "Not a draft (`not_allowed`) or changed since read (`stale`)." }),
    },
  }),
  retry: createRoute({
    method: "post",
    path: "/payout-runs/payouts/{id}/retry",
    tags,
    summary: "Retry a failed or needs-attention payout",
    description: "Admin and finance. The body is optional.",
    security: write,
    middleware: [writer, optionalBody],
    request: { params: PayoutParam, body: { required: false, ...json(VersionBody) } },
    responses: {
      200: { description: "Transferring again.", ...json(PayoutChangeSchema) },
      ...problemResponses(401, 403, ...bodyProblems, { 404: "No payout has this id.", 409: "Not failed or needing attention (`not_allowed`) or changed since read (`stale`)." }),
    },
  }),
  settings: createRoute({
    method: "get",
    path: "/payout-settings",
    tags,
    summary: "The platform's payout settings and each brand's (overrides and what applies)",
    security: read,
    responses: { 200: { description: "The settings (at most 500 brands, by name).", ...json(PayoutSettingsOverviewSchema) }, ...problemResponses(401) },
  }),
  patchSettings: createRoute({
    method: "patch",
    path: "/payout-settings",
    tags,
    summary: "Change the platform's payout settings (audited)",
    description: "Admin and finance.",
    security: write,
    middleware: [writer, requiredBody],
    request: { body: { required: true, ...json(PlatformPatch) } },
    responses: { 200: { description: "The settings after the change.", ...json(PayoutSettingsSchema) }, ...problemResponses(401, 403, ...bodyProblems) },
  }),
  patchBrand: createRoute({
    method: "patch",
    path: "/payout-settings/brands/{vendorId}",
    tags,
    summary: "Change a brand's payout overrides (audited)",
    description: "Admin and finance.",
    security: write,
    middleware: [writer, requiredBody],
    request: { params: BrandParam, body: { required: true, ...json(BrandPatch) } },
    responses: { 200: { description: "The brand's settings after the change.", ...json(VendorPayoutSettingsSchema) }, ...problemResponses(401, 403, ...bodyProblems, { 404: "No brand has this id." }) },
  }),
};

function changed(payoutId: string, r: ChangeResult) {
  if (r.ok) return { id: payoutId, status: r.status, version: r.version };
  if (r.code === "not_found") throw new ProblemError(404, "not_found", r.message);
  throw new ProblemError(409, r.code, r.message);
}

/** What was sent of a patch: fields left out change nothing. */
const sent = <T extends object>(patch: T) => Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as T;

export function financePayoutRoutes(deps: Deps, staff: OpenAPIHono<FinanceEnv>): void {
  const ctx = (c: Context<FinanceEnv>) => staffContext(c, deps.db);

  staff.openapi(
    routes.preview,
    async (c) => {
      const { vendorId } = c.req.valid("query");
      return c.json(await runPayouts(ctx(c), deps, { trigger: "operator", dryRun: true, ...(vendorId ? { vendorId } : {}) }), 200);
    },
    refusing("the brand id"),
  );
  staff.openapi(
    routes.run,
    async (c) => {
      const b = c.req.valid("json");
      try {
        return c.json(await runPayouts(ctx(c), deps, { trigger: "operator", dryRun: false, ...(b.vendorId ? { vendorId: b.vendorId } : {}) }), 201);
      } catch (err) {
        if (err instanceof PayoutRunBusy) throw new ProblemError(409, "run_in_progress", "Another payout run is under way; try again when it has finished.");
        throw err;
      }
    },
    refusing("the body"),
  );
  staff.openapi(routes.queues, async (c) => {
    const staffCtx = ctx(c);
    const [drafts, failed, attention, recent] = await Promise.all([
      listPayouts(staffCtx, { status: "draft", limit: 200 }),
      listPayouts(staffCtx, { status: "failed", limit: 200 }),
      listPayouts(staffCtx, { status: "needs_attention", limit: 200 }),
      listPayouts(staffCtx, { limit: 50 }),
    ]);
    return c.json({ drafts, failed: [...failed, ...attention], recent }, 200);
  });
  staff.openapi(
    routes.approve,
    async (c) => {
      const { id } = c.req.valid("param");
      return c.json(changed(id, await approvePayout(ctx(c), deps, id, c.req.valid("json").version)), 200);
    },
    refusing("the payout id"),
  );
  staff.openapi(
    routes.retry,
    async (c) => {
      const { id } = c.req.valid("param");
      return c.json(changed(id, await retryPayout(ctx(c), deps, id, c.req.valid("json").version)), 200);
    },
    refusing("the payout id"),
  );

  staff.openapi(routes.settings, async (c) => {
    const platform = await platformSettings(deps.db.prisma);
    const vendors = await deps.db.prisma.vendor.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" }, take: 500 });
    const brands = [];
    for (const v of vendors) {
      const overrides = await vendorOverrides(deps.db.prisma, v.id);
      brands.push({ vendorId: v.id, vendorName: v.name, overrides, effective: effective(platform, overrides) });
    }
    return c.json({ platform, brands }, 200);
  });
  staff.openapi(routes.patchSettings, async (c) => c.json(await updatePlatformSettings(ctx(c), sent(c.req.valid("json"))), 200), refusing("the body"));
  staff.openapi(
    routes.patchBrand,
    async (c) => {
      const r = await updateVendorSettings(ctx(c), c.req.valid("param").vendorId, sent(c.req.valid("json")));
      if (!r) throw new ProblemError(404, "not_found", "No brand has this id.");
      return c.json(r, 200);
    },
    refusing("the brand id"),
  );
}
