import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Deps } from "../../platform/deps.ts";
import { refuse, type Outcome, type Refusal, type VendorContext } from "../../platform/use-case.ts";
import { accountFacts, AccountUnreachable, ConnectRequestRefused, type ConnectedAccount } from "../../integrations/stripe/connect.ts";
import { PaymentsNotConfigured } from "../../integrations/stripe/client.ts";
import { deriveAccountStatus, DEAUTHORIZED_REASON, deauthorizedStatus, isPayoutAccountStatus, type DerivedAccountStatus, type PayoutAccountStatus } from "./status.ts";
import { disabledReasonInWords, requirementsInWords } from "./requirements-text.ts";

/**
 * The brand's Stripe connected account: what the Payouts page shows, starting or continuing
 * onboarding (the account is created once, idempotently from the vendor; each onboarding link
 * is minted fresh and never stored), reading the account again when the brand returns, and
 * the one place that writes the vendor's payout-account columns (`saveAccountStatus`).
 * Expected failures are values with a code the callers map to a 4xx.
 */
export interface PayoutAccountView {
  status: PayoutAccountStatus;
  stripeAccountId: string | null;
  /** Stripe's requirements.currently_due field names. */
  requirements: string[];
  requirementsInWords: string[];
  disabledReason: string | null;
  disabledReasonInWords: string | null;
  /** Whether the brand has a dashboard to open (Stripe gives login links once details are submitted). */
  dashboardAvailable: boolean;
  updatedAt: Date | null;
}

export type AccountRefusalCode = "vendor_not_found" | "vendor_uninstalled" | "account_disabled" | "account_missing" | "account_unreachable" | "stripe_refused" | "payouts_unavailable";
export type AccountFailure = Refusal<AccountRefusalCode>;

/** The HTTP status of each refusal, for the REST routes and the embedded app's actions alike. */
export const ACCOUNT_REFUSAL_STATUS: Record<AccountRefusalCode, ContentfulStatusCode> = {
  vendor_not_found: 404,
  vendor_uninstalled: 403,
  account_disabled: 409,
  account_missing: 409,
  account_unreachable: 409,
  stripe_refused: 422,
  payouts_unavailable: 409,
};

interface VendorRow {
  id: string;
  name: string;
  status: string;
  email: string | null;
  shopEmail: string | null;
  shopDomain: string;
  currency: string;
  stripeAccountId: string | null;
  payoutAccountStatus: string;
  payoutRequirements: unknown;
  payoutDisabledReason: string | null;
  payoutAccountUpdatedAt: Date | null;
}

async function vendorRow(deps: Pick<Deps, "db">, vendorId: string): Promise<VendorRow | null> {
  return deps.db.prisma.vendor.findUnique({
    where: { id: vendorId },
    select: {
      id: true, name: true, status: true, email: true, shopEmail: true, shopDomain: true, currency: true,
      stripeAccountId: true, payoutAccountStatus: true, payoutRequirements: true, payoutDisabledReason: true, payoutAccountUpdatedAt: true,
    },
  });
}

function viewOf(v: VendorRow): PayoutAccountView {
  const status: PayoutAccountStatus = isPayoutAccountStatus(v.payoutAccountStatus) ? v.payoutAccountStatus : "not_started";
  const requirements = Array.isArray(v.payoutRequirements) ? v.payoutRequirements.filter((r): r is string => typeof r === "string") : [];
  return {
    status,
    stripeAccountId: v.stripeAccountId,
    requirements,
    requirementsInWords: requirementsInWords(requirements),
    disabledReason: v.payoutDisabledReason,
    disabledReasonInWords: disabledReasonInWords(v.payoutDisabledReason),
    dashboardAvailable:
      v.stripeAccountId !== null &&
      (status === "active" || status === "restricted" || (status === "onboarding" && v.payoutDisabledReason === "requirements.pending_verification")),
    updatedAt: v.payoutAccountUpdatedAt,
  };
}

/** The brand's account as its Payouts page shows it; undefined when the brand is unknown. */
export async function payoutAccount(ctx: VendorContext): Promise<PayoutAccountView | undefined> {
  const v = await vendorRow(ctx, ctx.tenant.vendorId);
  return v ? viewOf(v) : undefined;
}

/** Which vendor a connected account belongs to. */
export async function vendorIdForAccount(deps: Pick<Deps, "db">, stripeAccountId: string): Promise<string | undefined> {
  const v = await deps.db.prisma.vendor.findUnique({ where: { stripeAccountId }, select: { id: true } });
  return v?.id;
}

/** Stripe wants ISO countries; a currency that belongs to one country names it (otherwise Stripe asks). */
const COUNTRY_OF_CURRENCY: Record<string, string> = { USD: "US", GBP: "GB", CAD: "CA", AUD: "AU", NZD: "NZ", SGD: "SG", JPY: "JP", CHF: "CH" };

/**
 * The brand's onboarding link: creates the connected account on first use (Stripe's
 * idempotency key is the vendor's, so a retried request gets the same account), then mints a
 * fresh Account Link. `returnUrl` and `refreshUrl` lead back into the embedded app (see the
 * Payouts page): Stripe sends the brand to `refreshUrl` when the link was used or expired.
 */
export async function startOnboarding(
  ctx: VendorContext,
  deps: Pick<Deps, "connect">,
  urls: { returnUrl: string; refreshUrl: string },
): Promise<Outcome<{ url: string; accountId: string }, AccountRefusalCode>> {
  const d = { db: ctx.db, connect: deps.connect };
  const v = await vendorRow(d, ctx.tenant.vendorId);
  if (!v) return refuse("vendor_not_found", "No such brand.");
  if (v.status !== "active") return refuse("vendor_uninstalled", "The app is uninstalled from this shop; install it again to set up payouts.");
  if (v.payoutAccountStatus === "disabled") {
    return refuse("account_disabled", `${disabledReasonInWords(v.payoutDisabledReason) ?? "Payouts are disabled."} Contact Giftloop support to set up payouts again.`);
  }
  try {
    return await onboardingLink(d, v, { ...urls, actor: ctx.actor });
  } catch (err) {
    return refusal(err);
  }
}

async function onboardingLink(
  deps: Pick<Deps, "db" | "connect">,
  v: VendorRow,
  input: { returnUrl: string; refreshUrl: string; actor: string },
): Promise<{ ok: true; url: string; accountId: string }> {
  let accountId = v.stripeAccountId;
  if (!accountId) {
    const country = COUNTRY_OF_CURRENCY[v.currency.toUpperCase()];
    const email = v.email ?? v.shopEmail;
    const account = await deps.connect.createAccount({
      vendorId: v.id,
      shopDomain: v.shopDomain,
      businessName: v.name,
      ...(email ? { email } : {}),
      ...(country ? { country } : {}),
      idempotencyKey: `vendor:${v.id}:connect-account`,
    });
    // Concurrent first clicks share the idempotency key, hence the account: whichever writes first wins, the other finds it set.
    const claimed = await deps.db.prisma.vendor.updateMany({ where: { id: v.id, stripeAccountId: null }, data: { stripeAccountId: account.id } });
    if (claimed.count === 1) {
      await deps.db.prisma.auditLog.create({
        data: { vendorId: v.id, actor: input.actor, action: "vendor.payout_account_created", entity: "vendor", entityId: v.id, data: { stripeAccountId: account.id } },
      });
      await saveAccountStatus(deps, v.id, deriveAccountStatus(accountFacts(account)), { actor: input.actor, source: "account_created" });
    }
    accountId = (await vendorRow(deps, v.id))?.stripeAccountId ?? account.id;
  }
  const link = await deps.connect.createOnboardingLink({ accountId, refreshUrl: input.refreshUrl, returnUrl: input.returnUrl });
  return { ok: true, url: link.url, accountId };
}

function refusal(err: unknown): AccountFailure {
  if (err instanceof AccountUnreachable) return refuse("account_unreachable", "Stripe no longer gives Giftloop access to this account.");
  if (err instanceof ConnectRequestRefused) return refuse("stripe_refused", err.message);
  if (err instanceof PaymentsNotConfigured) return refuse("payouts_unavailable", "Payouts are not available yet: this platform has no Stripe account configured.");
  throw err;
}

/**
 * Reads the account from Stripe and keeps the vendor's status (the brand returned from
 * onboarding: returning says nothing about the outcome, the account does).
 */
export async function refreshPayoutAccount(ctx: VendorContext, deps: Pick<Deps, "connect">): Promise<Outcome<{ account: PayoutAccountView }, AccountRefusalCode>> {
  const d = { db: ctx.db, connect: deps.connect };
  const { vendorId } = ctx.tenant;
  const v = await vendorRow(d, vendorId);
  if (!v) return refuse("vendor_not_found", "No such brand.");
  if (!v.stripeAccountId) return refuse("account_missing", "Payouts are not set up yet.");
  if (v.payoutDisabledReason === DEAUTHORIZED_REASON) return { ok: true, account: viewOf(v) };
  let account: ConnectedAccount;
  try {
    account = await d.connect.retrieveAccount(v.stripeAccountId);
  } catch (err) {
    return refusal(err);
  }
  await saveAccountStatus(d, vendorId, deriveAccountStatus(accountFacts(account)), { actor: ctx.actor, source: "account_read" });
  return { ok: true, account: (await payoutAccount(ctx))! };
}

/** A one-time link into the brand's Express dashboard. */
export async function openPayoutDashboard(ctx: VendorContext, deps: Pick<Deps, "connect">): Promise<Outcome<{ url: string }, AccountRefusalCode>> {
  const v = await vendorRow(ctx, ctx.tenant.vendorId);
  if (!v) return refuse("vendor_not_found", "No such brand.");
  if (!v.stripeAccountId) return refuse("account_missing", "Payouts are not set up yet.");
  try {
    return { ok: true, url: (await deps.connect.createDashboardLink(v.stripeAccountId)).url };
  } catch (err) {
    return refusal(err);
  }
}

/**
 * Writes the derived status when it differs from the stored one, with an audit entry for a
 * change of status. `eventCreated` (a Connect event's `created`, Stripe's clock): the write
 * happens only when no later event was applied already, and becomes the mark
 * (payout_account_updated_at); reads of the account leave the mark as it is. `final`
 * (deauthorization) applies whatever the mark, and a deauthorized account stays disabled
 * whatever arrives after. Answers whether anything changed.
 */
export async function saveAccountStatus(
  deps: Pick<Deps, "db">,
  vendorId: string,
  next: DerivedAccountStatus,
  opts: { actor: string; source: string; eventCreated?: Date; final?: boolean },
): Promise<boolean> {
  return deps.db.prisma.$transaction(async (tx) => {
    const [cur] = await tx.$queryRawUnsafe<Array<{ status: string; requirements: unknown; reason: string | null; updated_at: Date | null }>>(
      `SELECT payout_account_status AS status, payout_requirements AS requirements, payout_disabled_reason AS reason, payout_account_updated_at AS updated_at
         FROM vendor WHERE id = $1::uuid FOR UPDATE`,
      vendorId,
    );
    if (!cur) return false;
    if (cur.reason === DEAUTHORIZED_REASON) return false;
    const marked = cur.updated_at ? new Date(cur.updated_at) : null;
    if (!opts.final && opts.eventCreated && marked && marked > opts.eventCreated) return false;
    const same = cur.status === next.status && cur.reason === next.disabledReason && JSON.stringify(cur.requirements ?? []) === JSON.stringify(next.requirements);
    const mark = opts.eventCreated && (!marked || opts.eventCreated > marked) ? opts.eventCreated : marked;
    if (same) {
      if (mark !== marked) {
        await tx.vendor.update({ where: { id: vendorId }, data: { payoutAccountUpdatedAt: mark } });
      }
      return false;
    }
    await tx.vendor.update({
      where: { id: vendorId },
      data: { payoutAccountStatus: next.status, payoutRequirements: next.requirements, payoutDisabledReason: next.disabledReason, payoutAccountUpdatedAt: mark },
    });
    if (cur.status !== next.status) {
      await tx.auditLog.create({
        data: {
          vendorId,
          actor: opts.actor,
          action: "vendor.payout_account_status",
          entity: "vendor",
          entityId: vendorId,
          data: { from: cur.status, to: next.status, reason: next.disabledReason, requirements: next.requirements, source: opts.source },
        },
      });
    }
    return true;
  });
}

/** The brand disconnected its account from the platform (account.application.deauthorized): disabled for good. */
export async function markAccountDeauthorized(deps: Pick<Deps, "db">, vendorId: string, opts: { actor: string; eventCreated: Date }): Promise<boolean> {
  return saveAccountStatus(deps, vendorId, deauthorizedStatus(), { ...opts, source: "deauthorized", final: true });
}

/**
 * Where Stripe sends the brand after onboarding: the app's Payouts page inside the admin
 * (Shopify admin opens an app by its client id), so that the brand is signed in again by
 * Shopify. `stripe=return` has the page read the account; `stripe=refresh` (the link was used
 * or expired) has it mint a new link and go on.
 */
export function onboardingReturnUrls(config: Pick<Deps["config"], "SHOPIFY_ADMIN_URL" | "SHOPIFY_API_KEY">, shop: string): { returnUrl: string; refreshUrl: string } {
  const admin = (config.SHOPIFY_ADMIN_URL ?? "https://admin.shopify.com").replace(/\/$/, "");
  const page = `${admin}/store/${encodeURIComponent(shop.replace(/\.myshopify\.com$/, ""))}/apps/${encodeURIComponent(config.SHOPIFY_API_KEY)}/payouts`;
  return { returnUrl: `${page}?stripe=return`, refreshUrl: `${page}?stripe=refresh` };
}
