import type { Prisma } from "@prisma/client";
import type { Deps } from "../platform/deps.ts";
import { getSecret, putSecret } from "../platform/secrets/secret-store.ts";
import { XeroInvalidGrant, type XeroAccounting, type XeroAuth, type XeroTokenSet } from "../integrations/xero/xero.ts";

/**
 * The platform's Xero connection: its row, its tokens (encrypted in the `secret` table) and
 * the access token a booking uses. Xero rotates the refresh token on every refresh, so a
 * refresh is single-flight under a lock on the connection row and the new token set is
 * committed before anything uses it; a second worker that waited on the lock finds the
 * fresh tokens instead of refreshing with a spent refresh token.
 */
export const CONNECTION_ID = "platform";
const TOKENS = { vendorId: null, name: "xero.tokens" } as const;
/** An access token closer than this to its expiry is refreshed before use. */
const EXPIRY_MARGIN_MS = 2 * 60_000;

export interface XeroMapping {
  /** The expense account brand bills' lines go to (e.g. 320). */
  billsAccountCode: string;
  /** The tax type of bill lines (e.g. INPUT, or NONE). */
  taxType: string;
  /** The tracking category whose options name brands (e.g. "Brand"). */
  trackingCategory: string;
  /** The bank account that mirrors the platform's Stripe balance. */
  clearingAccountCode: string;
  /** Where sales invoices' lines go. */
  salesAccountCode: string;
  /** Where Stripe's fees go. */
  feesAccountCode: string;
}

export type NotReadyReason = "not_configured" | "not_connected" | "needs_reauth" | "not_mapped" | "day_limit" | "waiting_for_bill";

/** Xero cannot be used now: bookings park with this reason until it changes. */
export class XeroNotReady extends Error {
  override name = "XeroNotReady";
  constructor(
    readonly reason: NotReadyReason,
    message: string,
    readonly until: Date | null = null,
  ) {
    super(message);
  }
}

export interface ConnectionRow {
  id: string;
  status: "choose_organisation" | "connected" | "needs_reauth" | "disconnected";
  tenantId: string | null;
  tenantName: string | null;
  connectionId: string | null;
  baseCurrency: string | null;
  mapping: XeroMapping | null;
  accessExpiresAt: Date | null;
  refreshedAt: Date | null;
  tokenVersion: number;
  reauthReason: string | null;
  dayBlockedUntil: Date | null;
  connectedBy: string | null;
  updatedAt: Date;
}

type Db = Pick<Prisma.TransactionClient, "xeroConnection" | "secret">;

export async function loadConnection(db: Pick<Prisma.TransactionClient, "xeroConnection">): Promise<ConnectionRow | null> {
  const row = await db.xeroConnection.findUnique({ where: { id: CONNECTION_ID } });
  return row ? ({ ...row, mapping: (row.mapping as XeroMapping | null) ?? null } as ConnectionRow) : null;
}

interface StoredTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: string;
  scopes: string[];
}

export async function readTokens(db: Db, deps: Pick<Deps, "secrets">): Promise<StoredTokens | null> {
  const raw = await getSecret({ prisma: db }, deps.secrets, TOKENS);
  return raw ? (JSON.parse(raw) as StoredTokens) : null;
}

/** Stores a token set and bumps the row's token version (in the caller's transaction). */
export async function storeTokens(db: Db, deps: Pick<Deps, "secrets">, t: XeroTokenSet, row: Partial<Prisma.XeroConnectionUncheckedCreateInput> = {}): Promise<void> {
  const value: StoredTokens = { accessToken: t.accessToken, refreshToken: t.refreshToken, expiresAt: t.expiresAt.toISOString(), scopes: t.scopes };
  await putSecret({ prisma: db }, deps.secrets, { ...TOKENS, value: JSON.stringify(value) });
  const data = { accessExpiresAt: t.expiresAt, refreshedAt: new Date(), ...row };
  await db.xeroConnection.upsert({
    where: { id: CONNECTION_ID },
    create: { id: CONNECTION_ID, status: "choose_organisation", tokenVersion: 1, ...data },
    update: { ...data, tokenVersion: { increment: 1 } },
  });
}

export function requireXero(deps: Pick<Deps, "xero">): XeroAccounting {
  if (!deps.xero) throw new XeroNotReady("not_configured", "Xero is not configured (XERO_CLIENT_ID and XERO_CLIENT_SECRET)");
  return deps.xero;
}

export interface XeroSession {
  auth: XeroAuth;
  connection: ConnectionRow & { tenantId: string; baseCurrency: string };
  mapping: XeroMapping;
}

/**
 * The access token and mapping a booking uses, refreshed first when it is about to expire
 * (or `force`: Xero answered 401). Throws XeroNotReady when bookings must wait.
 */
export async function xeroSession(deps: Deps, opts: { force?: boolean; needMapping?: boolean } = {}): Promise<XeroSession> {
  requireXero(deps);
  const row = await loadConnection(deps.db.prisma);
  if (!row || row.status === "disconnected" || row.status === "choose_organisation" || !row.tenantId || !row.baseCurrency) {
    throw new XeroNotReady("not_connected", "Xero is not connected: connect it on the finance console");
  }
  if (row.status === "needs_reauth") throw new XeroNotReady("needs_reauth", `Xero needs to be connected again: ${row.reauthReason ?? "the connection was refused"}`);
  if (row.dayBlockedUntil && row.dayBlockedUntil > new Date()) {
    throw new XeroNotReady("day_limit", "Xero's daily call limit for the organisation is used up", row.dayBlockedUntil);
  }
  if ((opts.needMapping ?? true) && !row.mapping) throw new XeroNotReady("not_mapped", "Xero accounts are not mapped yet: map them on the finance console");
  let tokens = await readTokens(deps.db.prisma, deps);
  if (!tokens) throw new XeroNotReady("not_connected", "Xero tokens are missing: connect Xero again");
  if (opts.force || Date.parse(tokens.expiresAt) - Date.now() < EXPIRY_MARGIN_MS) {
    tokens = await refreshTokens(deps, { seenVersion: row.tokenVersion, force: opts.force ?? false });
  }
  return {
    auth: { accessToken: tokens.accessToken, tenantId: row.tenantId },
    connection: row as XeroSession["connection"],
    mapping: row.mapping as XeroMapping,
  };
}

/** One refresh per process at a time; across processes the row lock serialises them. */
let inFlight: Promise<StoredTokens> | null = null;

/**
 * Refreshes the token set under a lock on the connection row. When another worker refreshed
 * since `seenVersion` (and the token is not about to expire), its tokens are used as they are.
 * `invalid_grant` marks the connection needs_reauth (committed), alerts, and throws XeroNotReady.
 */
export function refreshTokens(deps: Deps, opts: { seenVersion: number; force: boolean }): Promise<StoredTokens> {
  inFlight ??= refreshLocked(deps, opts).finally(() => {
    inFlight = null;
  });
  return inFlight;
}

async function refreshLocked(deps: Deps, opts: { seenVersion: number; force: boolean }): Promise<StoredTokens> {
  const xero = requireXero(deps);
  const outcome = await deps.db.prisma.$transaction(
    async (tx) => {
      await tx.$queryRawUnsafe(`SELECT id FROM xero_connection WHERE id = $1 FOR UPDATE`, CONNECTION_ID);
      const row = await loadConnection(tx);
      const current = await readTokens(tx, deps);
      if (!row || !current || row.status === "needs_reauth" || row.status === "disconnected") return { kind: "not_connected" as const };
      const fresh = Date.parse(current.expiresAt) - Date.now() >= EXPIRY_MARGIN_MS;
      if (row.tokenVersion !== opts.seenVersion && fresh) return { kind: "ok" as const, tokens: current };
      if (!opts.force && fresh) return { kind: "ok" as const, tokens: current };
      try {
        const next = await xero.refresh(current.refreshToken);
        await storeTokens(tx, deps, next);
        return { kind: "ok" as const, tokens: (await readTokens(tx, deps)) as StoredTokens };
      } catch (err) {
        if (!(err instanceof XeroInvalidGrant)) throw err;
        await tx.xeroConnection.update({ where: { id: CONNECTION_ID }, data: { status: "needs_reauth", reauthReason: err.message } });
        return { kind: "invalid_grant" as const, message: err.message };
      }
    },
    { timeout: 60_000, maxWait: 60_000 },
  );
  if (outcome.kind === "ok") return outcome.tokens;
  if (outcome.kind === "invalid_grant") {
    await deps.alerts.notify({ kind: "xero.needs_reauth", message: "Xero refused the refresh token: accounting jobs are parked until staff connect Xero again", details: { reason: outcome.message } });
    throw new XeroNotReady("needs_reauth", `Xero needs to be connected again: ${outcome.message}`);
  }
  throw new XeroNotReady("not_connected", "Xero is not connected");
}

/** The scheduled refresh: at least weekly, so the 60-day refresh token never lapses. */
export async function refreshIfStale(deps: Deps, maxAgeMs: number): Promise<"refreshed" | "fresh" | "not_connected"> {
  if (!deps.xero) return "not_connected";
  const row = await loadConnection(deps.db.prisma);
  if (!row || (row.status !== "connected" && row.status !== "choose_organisation")) return "not_connected";
  if (row.refreshedAt && Date.now() - row.refreshedAt.getTime() < maxAgeMs) return "fresh";
  await refreshTokens(deps, { seenVersion: row.tokenVersion, force: true });
  return "refreshed";
}
