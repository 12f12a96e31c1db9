import { createHash, randomBytes } from "node:crypto";
import type { Deps } from "../platform/deps.ts";
import { fieldError, ProblemError } from "../http/problem.ts";
import { XeroError, XeroOAuthError, type XeroAccount, type XeroConnection, type XeroTaxRate, type XeroTrackingCategory } from "../integrations/xero/xero.ts";
import { deleteSecret } from "../platform/secrets/secret-store.ts";
import { resumeParked } from "./records.ts";
import { CONNECTION_ID, loadConnection, readTokens, requireXero, storeTokens, XeroNotReady, xeroSession, type ConnectionRow, type XeroMapping } from "./xero-connection.ts";

/**
 * Connecting the platform's Xero organisation (staff, from the finance console): Xero's
 * OAuth 2.0 code flow through xero-node, a one-time `state`, the organisation chosen among
 * Xero's connections (its base currency must be the platform's), and the account mapping,
 * each account checked against the organisation's chart. A reconnect resumes parked bookings.
 */
const STATE_TTL_MS = 15 * 60_000;
const hash = (s: string) => createHash("sha256").update(s).digest("hex");

function notConfigured(): ProblemError {
  return new ProblemError(409, "xero_not_configured", "Xero is not configured on this deployment (XERO_CLIENT_ID and XERO_CLIENT_SECRET).");
}

function xero(deps: Deps) {
  try {
    return requireXero(deps);
  } catch {
    throw notConfigured();
  }
}

/** Xero's consent page for a new state (remembered hashed, used once). */
export async function startConnect(deps: Deps, actor: string): Promise<{ consentUrl: string }> {
  const x = xero(deps);
  const state = randomBytes(24).toString("base64url");
  await deps.db.prisma.xeroOAuthState.create({ data: { stateHash: hash(state), createdBy: actor, expiresAt: new Date(Date.now() + STATE_TTL_MS) } });
  return { consentUrl: await x.consentUrl(state) };
}

/**
 * Xero's redirect back: the state must be one we issued, unused and fresh (a tampered state
 * is 400 `invalid_state`, a replayed callback 409 `state_used`); then the code is exchanged,
 * the tokens stored encrypted, and the organisation chosen when Xero connected exactly one.
 */
export async function completeConnect(deps: Deps, query: URLSearchParams): Promise<ConnectionView> {
  const x = xero(deps);
  const state = query.get("state") ?? "";
  const used = await deps.db.sql.query<{ created_by: string }>(
    `UPDATE xero_oauth_state SET used_at = now() WHERE state_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING created_by`,
    [hash(state)],
  );
  if (!used.length) {
    const [known] = await deps.db.sql.query<{ used: boolean }>(`SELECT used_at IS NOT NULL AS used FROM xero_oauth_state WHERE state_hash = $1`, [hash(state)]);
    if (known?.used) throw new ProblemError(409, "state_used", "This Xero sign-in was already completed; start connecting again from the console.");
    if (known) throw new ProblemError(400, "state_expired", "This Xero sign-in took too long; start connecting again from the console.");
    throw new ProblemError(400, "invalid_state", "The sign-in's state is not one this platform issued: nothing was connected.");
  }
  if (query.get("error")) throw new ProblemError(400, "xero_consent_refused", `Xero did not grant access: ${query.get("error_description") ?? query.get("error")}`);
  const callback = `${deps.config.xeroRedirectUri}?${query.toString()}`;
  let tokens;
  try {
    tokens = await x.exchangeCode(callback, state);
  } catch (err) {
    throw xeroProblem(err);
  }
  const actor = (used[0] as { created_by: string }).created_by;
  const connections = await x.connections(tokens.accessToken);
  await deps.db.prisma.$transaction(async (tx) => {
    await storeTokens(tx, deps, tokens, { status: "choose_organisation", connectedBy: actor, reauthReason: null, dayBlockedUntil: null });
  });
  const orgs = connections.filter((c) => c.tenantType === "ORGANISATION");
  const current = await loadConnection(deps.db.prisma);
  // Reconnecting to the organisation already chosen (or the only one) continues with it.
  const again = orgs.find((c) => c.tenantId === current?.tenantId) ?? (orgs.length === 1 ? orgs[0] : undefined);
  if (again) {
    try {
      return await chooseOrganisation(deps, again.tenantId);
    } catch (err) {
      if (!(err instanceof ProblemError)) throw err;
    }
  }
  return connectionView(deps);
}

export function xeroProblem(err: unknown): Error {
  if (err instanceof XeroOAuthError && err.code === "state_mismatch") return new ProblemError(400, "invalid_state", "The sign-in's state does not match: nothing was connected.");
  if (err instanceof XeroError) return new ProblemError(502, "xero_refused", err.message);
  return err instanceof Error ? err : new Error(String(err));
}

async function accessToken(deps: Deps): Promise<string> {
  const t = await readTokens(deps.db.prisma, deps);
  if (!t) throw new ProblemError(409, "xero_not_connected", "Xero is not connected: connect it first.");
  return t.accessToken;
}

/** Picks the organisation; refused when its base currency is not the platform's. */
export async function chooseOrganisation(deps: Deps, tenantId: string): Promise<ConnectionView> {
  const x = xero(deps);
  const connections = await x.connections(await accessToken(deps));
  const c = connections.find((k) => k.tenantId === tenantId);
  if (!c) throw new ProblemError(422, "unknown_organisation", "Xero did not connect this organisation; choose one of the connections listed.");
  const org = await x.organisation({ accessToken: await accessToken(deps), tenantId });
  const platform = deps.config.PLATFORM_CURRENCY;
  if (org.value.baseCurrency !== platform) {
    throw new ProblemError(422, "base_currency_mismatch", `${org.value.name} keeps its books in ${org.value.baseCurrency}; the platform books in ${platform}. Choose an organisation whose base currency is ${platform}.`);
  }
  const row = await loadConnection(deps.db.prisma);
  const sameOrg = row?.tenantId === tenantId;
  await deps.db.prisma.xeroConnection.update({
    where: { id: CONNECTION_ID },
    data: {
      status: "connected",
      tenantId,
      tenantName: org.value.name,
      connectionId: c.id,
      baseCurrency: org.value.baseCurrency,
      reauthReason: null,
      ...(sameOrg ? {} : { mapping: undefined }),
    },
  });
  if (!sameOrg) await deps.db.sql.execute(`UPDATE xero_connection SET mapping = NULL WHERE id = $1`, [CONNECTION_ID]);
  await resumeParked(deps, ["needs_reauth", "not_connected"]);
  return connectionView(deps);
}

export interface MappingOptions {
  accounts: XeroAccount[];
  taxRates: XeroTaxRate[];
  trackingCategories: XeroTrackingCategory[];
}

export async function mappingOptions(deps: Deps): Promise<MappingOptions> {
  let s;
  try {
    s = await xeroSession(deps, { needMapping: false });
  } catch (err) {
    if (err instanceof XeroNotReady) throw new ProblemError(409, `xero_${err.reason}`, err.message);
    throw err;
  }
  const x = xero(deps);
  const [accounts, taxRates, trackingCategories] = await Promise.all([x.accounts(s.auth), x.taxRates(s.auth), x.trackingCategories(s.auth)]).catch((e: unknown) => {
    throw xeroProblem(e);
  });
  return { accounts: accounts.value, taxRates: taxRates.value, trackingCategories: trackingCategories.value };
}

/** Checks a mapping against the organisation's chart; every problem is named at once. */
export function checkMapping(m: XeroMapping, o: MappingOptions, baseCurrency: string): Array<{ field: keyof XeroMapping; code: string; message: string }> {
  const problems: Array<{ field: keyof XeroMapping; code: string; message: string }> = [];
  const account = (field: keyof XeroMapping, want: (a: XeroAccount) => string | null) => {
    const a = o.accounts.find((k) => k.code === m[field]);
    if (!a) return problems.push({ field, code: "unknown_account", message: `Xero has no account with code ${m[field]}` });
    if (a.status !== "ACTIVE") return problems.push({ field, code: "account_archived", message: `account ${a.code} (${a.name}) is ${a.status.toLowerCase()} in Xero` });
    const why = want(a);
    if (why) problems.push({ field, code: "wrong_account_type", message: why });
    return 0;
  };
  account("billsAccountCode", (a) => (a.isBank ? `account ${a.code} is a bank account; bills need an expense account` : null));
  account("salesAccountCode", (a) => (a.isBank ? `account ${a.code} is a bank account; sales need a revenue account` : null));
  account("feesAccountCode", (a) => (a.isBank ? `account ${a.code} is a bank account; fees need an expense account` : null));
  account("clearingAccountCode", (a) =>
    !a.isBank ? `account ${a.code} is not a bank account` : a.currency && a.currency !== baseCurrency ? `bank account ${a.code} is in ${a.currency}, not ${baseCurrency}` : null,
  );
  const tax = o.taxRates.find((t) => t.taxType === m.taxType);
  if (!tax) problems.push({ field: "taxType", code: "unknown_tax_type", message: `Xero has no tax type ${m.taxType}` });
  else if (tax.status !== "ACTIVE") problems.push({ field: "taxType", code: "tax_type_archived", message: `tax type ${m.taxType} is ${tax.status.toLowerCase()}` });
  const cat = o.trackingCategories.find((c) => c.name === m.trackingCategory);
  if (!cat) problems.push({ field: "trackingCategory", code: "unknown_tracking_category", message: `Xero has no tracking category named ${m.trackingCategory}` });
  else if (cat.status !== "ACTIVE") problems.push({ field: "trackingCategory", code: "tracking_category_archived", message: `tracking category ${m.trackingCategory} is ${cat.status.toLowerCase()}` });
  return problems;
}

export async function saveMapping(deps: Deps, mapping: XeroMapping): Promise<ConnectionView> {
  const options = await mappingOptions(deps);
  const row = (await loadConnection(deps.db.prisma)) as ConnectionRow;
  const problems = checkMapping(mapping, options, row.baseCurrency ?? deps.config.PLATFORM_CURRENCY);
  if (problems.length) {
    throw new ProblemError(422, problems[0]?.code ?? "invalid_mapping", {
      detail: problems.map((p) => `${p.field}: ${p.message}`).join("; "),
      errors: problems.map((p) => fieldError([p.field], p.code, p.message)),
    });
  }
  await deps.db.prisma.xeroConnection.update({ where: { id: CONNECTION_ID }, data: { mapping: { ...mapping } } });
  await resumeParked(deps, ["not_mapped", "not_connected", "needs_reauth"]);
  return connectionView(deps);
}

export async function disconnect(deps: Deps): Promise<ConnectionView> {
  const x = xero(deps);
  const t = await readTokens(deps.db.prisma, deps);
  if (t) await x.revoke(t.refreshToken).catch((err: unknown) => deps.log.warn({ err }, "Xero token revoke failed; the connection is dropped here anyway"));
  await deps.db.sql.execute(`UPDATE xero_connection SET status = 'disconnected', updated_at = now() WHERE id = $1`, [CONNECTION_ID]);
  await deleteSecret(deps.db, { vendorId: null, name: "xero.tokens" });
  return connectionView(deps);
}

export interface ConnectionView {
  configured: boolean;
  status: ConnectionRow["status"] | "not_connected";
  organisation: { tenantId: string; name: string | null; baseCurrency: string | null } | null;
  /** While choosing: Xero's connections. */
  connections: Array<Pick<XeroConnection, "tenantId" | "tenantName" | "tenantType">>;
  mapping: XeroMapping | null;
  reauthReason: string | null;
  accessExpiresAt: string | null;
  refreshedAt: string | null;
  dayBlockedUntil: string | null;
  bookings: Record<"pending" | "booked" | "needs_attention" | "parked", number>;
}

export async function connectionView(deps: Deps): Promise<ConnectionView> {
  const row = await loadConnection(deps.db.prisma);
  const counts = await deps.db.sql.query<{ status: string; n: number }>(`SELECT status::text, count(*)::int AS n FROM accounting_record GROUP BY status`);
  const bookings = { pending: 0, booked: 0, needs_attention: 0, parked: 0 };
  for (const c of counts) bookings[c.status as keyof typeof bookings] = c.n;
  let connections: ConnectionView["connections"] = [];
  if (row?.status === "choose_organisation" && deps.xero) {
    connections = (await deps.xero.connections(await accessToken(deps)).catch(() => [])).map((c) => ({ tenantId: c.tenantId, tenantName: c.tenantName, tenantType: c.tenantType }));
  }
  return {
    configured: Boolean(deps.xero),
    status: row?.status ?? "not_connected",
    organisation: row?.tenantId ? { tenantId: row.tenantId, name: row.tenantName, baseCurrency: row.baseCurrency } : null,
    connections,
    mapping: row?.mapping ?? null,
    reauthReason: row?.reauthReason ?? null,
    accessExpiresAt: row?.accessExpiresAt?.toISOString() ?? null,
    refreshedAt: row?.refreshedAt?.toISOString() ?? null,
    dayBlockedUntil: row?.dayBlockedUntil?.toISOString() ?? null,
    bookings,
  };
}
