import type { Context, Hono } from "hono";
import { z } from "zod";
import type { Deps } from "../platform/deps.ts";
import { ProblemError } from "../http/problem.ts";
import type { AppEnv } from "../http/request-context.ts";
import { MAX_COMMISSION_BPS } from "../payouts/money-model.ts";
import { approvePayout, listPayouts, retryPayout, type Actor, type ChangeResult } from "../payouts/operator-payouts.ts";
import { PayoutRunBusy, runPayouts } from "../payouts/run.ts";
import { effective, platformSettings, updatePlatformSettings, updateVendorSettings, vendorOverrides } from "../payouts/settings.ts";
import { requireRole, type StaffVariables } from "./staff-session.ts";

/**
 * The console's payout runs and payout settings under `/v1/finance`, through the payouts
 * module's use cases (which audit every change): preview a run, run now (one at a time: 409
 * `run_in_progress`), approve drafts, retry failed payouts, and the platform's and each
 * brand's commission, settlement window, minimum payout and approval. Admin and finance
 * change; support reads.
 */
type Env = AppEnv & { Variables: StaffVariables };
type BodyReader = <T>(c: { req: { json(): Promise<unknown> } }, schema: z.ZodType<T>) => Promise<T>;

const Currency = z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 currency code in capitals");
const Minimums = z.record(Currency, z.number().int("whole minor units").min(0, "zero or more").max(100_000_000));
const commission = z.number().int("whole basis points (a percent with at most two decimals)").min(0, "zero or more").max(MAX_COMMISSION_BPS, "at most 100%");
const days = z.number().int("whole days").min(0, "zero or more").max(365, "at most 365 days");
const PlatformPatch = z.object({ commissionBps: commission.optional(), settlementDays: days.optional(), minimumPayout: Minimums.optional(), approvalRequired: z.boolean().optional() }).strict();
const VendorPatch = z
  .object({ commissionBps: commission.nullable().optional(), settlementDays: days.nullable().optional(), minimumPayout: Minimums.nullable().optional(), approvalRequired: z.boolean().nullable().optional() })
  .strict();
const RunBody = z.object({ vendorId: z.uuid().optional() }).strict();
const VersionBody = z.object({ version: z.number().int().min(1).max(2_147_483_647).optional() }).strict();
const uuid = z.uuid();

function id(value: string | undefined, what: string): string {
  const r = uuid.safeParse(value);
  if (!r.success) throw new ProblemError(400, "invalid_parameter", `${what} is not valid`);
  return r.data;
}

function changed(payoutId: string, r: ChangeResult) {
  if (r.ok) return { id: payoutId, status: r.status, version: r.version };
  if (r.code === "not_found") throw new ProblemError(404, "not_found", r.message);
  throw new ProblemError(409, r.code, r.message);
}

async function optionalBody<T>(c: Context<Env>, read: BodyReader, schema: z.ZodType<T>): Promise<T | undefined> {
  const text = await c.req.raw.clone().text();
  return text.trim() ? read(c, schema) : undefined;
}

export function financePayoutRoutes(deps: Deps, staff: Hono<Env>, read: BodyReader): void {
  const actor = (c: Context<Env>): Actor => ({ who: `staff:${c.get("staff").email}`, requestId: c.get("requestId") });
  const writer = (c: Context<Env>) => requireRole(c.get("staff"), ["admin", "finance"]);

  staff.get("/payout-runs/preview", async (c) => {
    const vendorId = c.req.query("vendorId");
    return c.json(await runPayouts(deps, { trigger: "operator", actor: actor(c).who, dryRun: true, ...(vendorId ? { vendorId: id(vendorId, "the brand id") } : {}) }));
  });
  staff.post("/payout-runs", async (c) => {
    writer(c);
    const b = (await optionalBody(c, read, RunBody)) ?? {};
    const a = actor(c);
    try {
      return c.json(await runPayouts(deps, { trigger: "operator", actor: a.who, dryRun: false, ...(a.requestId ? { requestId: a.requestId } : {}), ...(b.vendorId ? { vendorId: b.vendorId } : {}) }), 201);
    } catch (err) {
      if (err instanceof PayoutRunBusy) throw new ProblemError(409, "run_in_progress", "Another payout run is under way; try again when it has finished.");
      throw err;
    }
  });
  staff.get("/payout-runs/payouts", async (c) => {
    const [drafts, failed, attention, recent] = await Promise.all([
      listPayouts(deps, { status: "draft", limit: 200 }),
      listPayouts(deps, { status: "failed", limit: 200 }),
      listPayouts(deps, { status: "needs_attention", limit: 200 }),
      listPayouts(deps, { limit: 50 }),
    ]);
    return c.json({ drafts, failed: [...failed, ...attention], recent });
  });
  staff.post("/payout-runs/payouts/:id/approve", async (c) => {
    writer(c);
    const payoutId = id(c.req.param("id"), "the payout id");
    const b = (await optionalBody(c, read, VersionBody)) ?? {};
    return c.json(changed(payoutId, await approvePayout(deps, actor(c), payoutId, b.version)));
  });
  staff.post("/payout-runs/payouts/:id/retry", async (c) => {
    writer(c);
    const payoutId = id(c.req.param("id"), "the payout id");
    const b = (await optionalBody(c, read, VersionBody)) ?? {};
    return c.json(changed(payoutId, await retryPayout(deps, actor(c), payoutId, b.version)));
  });

  staff.get("/payout-settings", async (c) => {
    const platform = await platformSettings(deps.db.prisma);
    const vendors = await deps.db.prisma.vendor.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" }, take: 500 });
    const brands = [];
    for (const v of vendors) {
      const overrides = await vendorOverrides(deps.db.prisma, v.id);
      brands.push({ vendorId: v.id, vendorName: v.name, overrides, effective: effective(platform, overrides) });
    }
    return c.json({ platform, brands });
  });
  staff.patch("/payout-settings", async (c) => {
    writer(c);
    const patch = await read(c, PlatformPatch);
    return c.json(await updatePlatformSettings(deps, actor(c), Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined))));
  });
  staff.patch("/payout-settings/brands/:vendorId", async (c) => {
    writer(c);
    const vendorId = id(c.req.param("vendorId"), "the brand id");
    const patch = await read(c, VendorPatch);
    const r = await updateVendorSettings(deps, actor(c), vendorId, Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)));
    if (!r) throw new ProblemError(404, "not_found", "No brand has this id.");
    return c.json(r);
  });
}
