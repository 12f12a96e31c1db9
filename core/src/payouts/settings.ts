import type { SqlTx } from "../platform/db/connect.ts";
import { txSqlOf, type TxSql } from "../platform/lifecycle/lifecycle.ts";
import type { PlatformContext, VendorContext } from "../platform/use-case.ts";
import { DEFAULT_COMMISSION_BPS } from "./money-model.ts";

/**
 * Payout settings: the platform's defaults (one row) and each brand's overrides. Every change
 * is audited (who, what before, what after).
 */
export interface PayoutSettingsView {
  commissionBps: number;
  settlementDays: number;
  /** Minimum payout per currency, minor units. */
  minimumPayout: Record<string, number>;
  scheduleDays: number;
  approvalRequired: boolean;
}

export interface VendorPayoutOverrides {
  commissionBps: number | null;
  settlementDays: number | null;
  minimumPayout: Record<string, number> | null;
  approvalRequired: boolean | null;
}

export const DEFAULT_SETTINGS: PayoutSettingsView = {
  commissionBps: DEFAULT_COMMISSION_BPS,
  settlementDays: 14,
  minimumPayout: {},
  scheduleDays: 7,
  approvalRequired: false,
};

type Q = Pick<TxSql, "$queryRawUnsafe">;

export async function platformSettings(tx: Q): Promise<PayoutSettingsView> {
  const [row] = await tx.$queryRawUnsafe<
    Array<{ commission_bps: number; settlement_days: number; minimum_payout: Record<string, number>; schedule_days: number; approval_required: boolean }>
  >("SELECT commission_bps, settlement_days, minimum_payout, schedule_days, approval_required FROM payout_settings WHERE id = 1");
  if (!row) return { ...DEFAULT_SETTINGS };
  return {
    commissionBps: row.commission_bps,
    settlementDays: row.settlement_days,
    minimumPayout: row.minimum_payout ?? {},
    scheduleDays: row.schedule_days,
    approvalRequired: row.approval_required,
  };
}

export async function vendorOverrides(tx: Q, vendorId: string): Promise<VendorPayoutOverrides> {
  const [row] = await tx.$queryRawUnsafe<
    Array<{ commission_bps: number | null; settlement_days: number | null; minimum_payout: Record<string, number> | null; approval_required: boolean | null }>
  >("SELECT commission_bps, settlement_days, minimum_payout, approval_required FROM vendor_payout_settings WHERE vendor_id = $1::uuid", vendorId);
  return {
    commissionBps: row?.commission_bps ?? null,
    settlementDays: row?.settlement_days ?? null,
    minimumPayout: row?.minimum_payout ?? null,
    approvalRequired: row?.approval_required ?? null,
  };
}

/** A brand's settings in effect: its overrides over the platform's. */
export function effective(platform: PayoutSettingsView, o: VendorPayoutOverrides): PayoutSettingsView {
  return {
    commissionBps: o.commissionBps ?? platform.commissionBps,
    settlementDays: o.settlementDays ?? platform.settlementDays,
    minimumPayout: { ...platform.minimumPayout, ...(o.minimumPayout ?? {}) },
    scheduleDays: platform.scheduleDays,
    approvalRequired: o.approvalRequired ?? platform.approvalRequired,
  };
}

/**
 * The brand's payout settings in effect (its own view), read in `tx` when the caller already
 * holds a transaction of `ctx.db` (bound to the brand), else in one of their own.
 */
export async function vendorSettings(ctx: VendorContext, tx?: SqlTx): Promise<PayoutSettingsView> {
  if (!tx) return ctx.db.transaction((own) => vendorSettings(ctx, own));
  const q = txSqlOf(tx);
  return effective(await platformSettings(q), await vendorOverrides(q, ctx.tenant.vendorId));
}

export type PlatformSettingsPatch = Partial<PayoutSettingsView>;
export type VendorSettingsPatch = Partial<VendorPayoutOverrides>;

/** Changes the platform's settings (staff); the audit entry holds the values before and after. */
export async function updatePlatformSettings(ctx: PlatformContext, patch: PlatformSettingsPatch): Promise<PayoutSettingsView> {
  return ctx.db.prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe("INSERT INTO payout_settings (id) VALUES (1) ON CONFLICT (id) DO NOTHING");
    await tx.$queryRawUnsafe("SELECT 1 FROM payout_settings WHERE id = 1 FOR UPDATE");
    const before = await platformSettings(tx);
    const after: PayoutSettingsView = { ...before, ...patch };
    await tx.$executeRawUnsafe(
      `UPDATE payout_settings SET commission_bps = $1, settlement_days = $2, minimum_payout = $3::jsonb, schedule_days = $4,
              approval_required = $5, version = version + 1, updated_by = $6, updated_at = now() WHERE id = 1`,
      after.commissionBps,
      after.settlementDays,
      JSON.stringify(after.minimumPayout),
      after.scheduleDays,
      after.approvalRequired,
      ctx.actor,
    );
    await tx.auditLog.create({
      data: { actor: ctx.actor, action: "payouts.settings.update", entity: "payout_settings", entityId: "platform", requestId: ctx.requestId ?? null, data: { before, after } as object },
    });
    return after;
  });
}

/**
 * Changes a brand's overrides (staff; null clears one: the platform's applies). Unknown vendor:
 * undefined. The platform's `ctx.db` is the process-wide handle: staff change any brand's.
 */
export async function updateVendorSettings(
  ctx: PlatformContext,
  vendorId: string,
  patch: VendorSettingsPatch,
): Promise<{ overrides: VendorPayoutOverrides; effective: PayoutSettingsView } | undefined> {
  return ctx.db.prisma.$transaction(async (tx) => {
    const [vendor] = await tx.$queryRawUnsafe<Array<{ id: string }>>("SELECT id::text FROM vendor WHERE id = $1::uuid FOR SHARE", vendorId);
    if (!vendor) return undefined;
    await tx.$executeRawUnsafe("INSERT INTO vendor_payout_settings (vendor_id) VALUES ($1::uuid) ON CONFLICT (vendor_id) DO NOTHING", vendorId);
    await tx.$queryRawUnsafe("SELECT 1 FROM vendor_payout_settings WHERE vendor_id = $1::uuid FOR UPDATE", vendorId);
    const before = await vendorOverrides(tx, vendorId);
    const after: VendorPayoutOverrides = { ...before, ...patch };
    await tx.$executeRawUnsafe(
      `UPDATE vendor_payout_settings SET commission_bps = $2, settlement_days = $3, minimum_payout = $4::jsonb, approval_required = $5,
              version = version + 1, updated_by = $6, updated_at = now() WHERE vendor_id = $1::uuid`,
      vendorId,
      after.commissionBps,
      after.settlementDays,
      after.minimumPayout === null ? null : JSON.stringify(after.minimumPayout),
      after.approvalRequired,
      ctx.actor,
    );
    await tx.auditLog.create({
      data: { vendorId, actor: ctx.actor, action: "payouts.vendor_settings.update", entity: "vendor_payout_settings", entityId: vendorId, requestId: ctx.requestId ?? null, data: { before, after } as object },
    });
    return { overrides: after, effective: effective(await platformSettings(tx), after) };
  });
}
