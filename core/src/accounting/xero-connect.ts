import { createHash, randomBytes } from "node:crypto";
import type { Deps } from "../platform/deps.ts";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { fieldError } from "../platform/field-error.ts";
import { refuse, type Outcome, type PlatformContext, type Refusal } from "../platform/use-case.ts";
import { XeroError, XeroOAuthError, type XeroAccount, type XeroConnection, type XeroTaxRate, type XeroTrackingCategory } from "../integrations/xero/xero.ts";
import { deleteSecret } from "../platform/secrets/secret-store.ts";
import { resumeParked } from "./records.ts";
import { CONNECTION_ID, loadConnection, readTokens, storeTokens, XeroNotReady, xeroSession, type ConnectionRow, type NotReadyReason, type XeroMapping } from "./xero-connection.ts";

/**
 * Connecting the platform's Xero organisation (staff, from the finance console or the
 * operator API): Xero's OAuth 2.0 code flow through xero-node, a one-time `state`, the
 * organisation chosen among Xero's connections (its base currency must be the platform's),
 * and the account mapping, each account checked against the organisation's chart. A
 * reconnect resumes parked bookings. Each use case takes the platform's context first and
 * answers an expected failure as a refusal; the routes give each code its status
 * (`XERO_CONNECT_STATUSES`).
 */
const STATE_TTL_MS = 15 * 60_000;
const hash = (s: string) => createHash("sha256").update(s).digest("hex");

export type XeroConnectCode =
  | "xero_not_configured"
  | "xero_not_connected"
  | "xero_refused"
  | "state_used"
  | "state_expired"
  | "invalid_state"
  | "xero_consent_refused"
  | "unknown_organisation"
  | "base_currency_mismatch"
  | `xero_${NotReadyReason}`
  | MappingProblemCode;

/** The HTTP status of each refusal, for the routes (operator API and finance console). */
export const XERO_CONNECT_STATUSES: Record<XeroConnectCode, ContentfulStatusCode> = {
  xero_not_configured: 409,
  xero_not_connected: 409,
  xero_needs_reauth: 409,
  xero_not_mapped: 409,
  xero_day_limit: 409,
  xero_waiting_for_bill: 409,
  xero_refused: 502,
  state_used: 409,
  state_expired: 400,
  invalid_state: 400,
  xero_consent_refused: 400,
  unknown_organisation: 422,
  base_currency_mismatch: 422,
  unknown_account: 422,
  account_archived: 422,
  wrong_account_type: 422,
  unknown_tax_type: 422,
  tax_type_archived: 422,
  unknown_tracking_category: 422,
  tracking_category_archived: 422,
};

type Connected<T extends object> = Promise<Outcome<T, XeroConnectCode>>;

const notConfigured = () => refuse("xero_not_configured", "Xero is not configured on this deployment (XERO_CLIENT_ID and XERO_CLIENT_SECRET).");

/** Xero's answer to a call that failed as a refusal (502 `xero_refused`, or a state mismatch); anything else is rethrown. */
export function xeroRefusal(err: unknown): Refusal<XeroConnectCode> {
  if (err instanceof XeroOAuthError && err.code === "state_mismatch") return refuse("invalid_state", "The sign-in's state does not match: nothing was connected.");
  if (err instanceof XeroError) return refuse("xero_refused", err.message);
  throw err;
}

/** Xero's consent page for a new state (remembered hashed, used once). */
export async function startConnect(ctx: PlatformContext, deps: Deps): Connected<{ consentUrl: string }> {
  const x = deps.xero;
  if (!x) return notConfigured();
  const state = randomBytes(24).toString("base64url");
  await ctx.db.prisma.xeroOAuthState.create({ data: { stateHash: hash(state), createdBy: ctx.actor, expiresAt: new Date(Date.now() + STATE_TTL_MS) } });
  return { ok: true, consentUrl: await x.consentUrl(state) };
}

/**
 * Xero's redirect back: the state must be one we issued, unused and fresh (a tampered state
 * is `invalid_state`, a replayed callback `state_used`); then the code is exchanged, the
 * tokens stored encrypted, and the organisation chosen when Xero connected exactly one.
 */
export async function completeConnect(ctx: PlatformContext, deps: Deps, query: URLSearchParams): Connected<{ view: ConnectionView }> {
  const x = deps.xero;
  if (!x) return notConfigured();
  const state = query.get("state") ?? "";
  const used = await ctx.db.sql.query<{ created_by: string }>(
    `UPDATE xero_oauth_state SET used_at = now() WHERE state_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING created_by`,
    [hash(state)],
  );
  if (!used.length) {
    const [known] = await ctx.db.sql.query<{ used: boolean }>(`SELECT used_at IS NOT NULL AS used FROM xero_oauth_state WHERE state_hash = $1`, [hash(state)]);
    if (known?.used) return refuse("state_used", "This Xero sign-in was already completed; start connecting again from the console.");
    if (known) return refuse("state_expired", "This Xero sign-in took too long; start connecting again from the console.");
    return refuse("invalid_state", "The sign-in's state is not one this platform issued: nothing was connected.");
  }
  if (query.get("error")) return refuse("xero_consent_refused", `Xero did not grant access: ${query.get("error_description") ?? query.get("error")}`);
  const callback = `${deps.config.xeroRedirectUri}?${query.toString()}`;
  let tokens;
  try {
    tokens = await x.exchangeCode(callback, state);
  } catch (err) {
    return xeroRefusal(err);
  }
  const actor = (used[0] as { created_by: string }).created_by;
  const connections = await x.connections(tokens.accessToken);
  await ctx.db.prisma.$transaction(async (tx) => {
    await storeTokens(tx, deps, tokens, { status: "choose_organisation", connectedBy: actor, reauthReason: null, dayBlockedUntil: null });
  });
  const orgs = connections.filter((c) => c.tenantType === "ORGANISATION");
  const current = await loadConnection(ctx.db.prisma);
  // Reconnecting to the organisation already chosen (or the only one) continues with it;
  // when that one is refused (its currency), the connection waits for a choice.
  const again = orgs.find((c) => c.tenantId === current?.tenantId) ?? (orgs.length === 1 ? orgs[0] : undefined);
  if (again) {
    const chosen = await chooseOrganisation(ctx, deps, again.tenantId);
    if (chosen.ok) return chosen;
  }
  return { ok: true, view: await connectionView(ctx, deps) };
}

/** The access token, or a refusal when Xero is not connected. */
async function accessToken(ctx: PlatformContext, deps: Deps): Promise<string | Refusal<XeroConnectCode>> {
  const t = await readTokens(ctx.db.prisma, deps);
  return t ? t.accessToken : refuse("xero_not_connected", "Xero is not connected: connect it first.");
}

/** Picks the organisation; refused when its base currency is not the platform's. */
export async function chooseOrganisation(ctx: PlatformContext, deps: Deps, tenantId: string): Connected<{ view: ConnectionView }> {
  const x = deps.xero;
  if (!x) return notConfigured();
  const token = await accessToken(ctx, deps);
  if (typeof token !== "string") return token;
  let c: XeroConnection | undefined;
  let org;
  try {
    c = (await x.connections(token)).find((k) => k.tenantId === tenantId);
    if (!c) return refuse("unknown_organisation", "Xero did not connect this organisation; choose one of the connections listed.");
    org = await x.organisation({ accessToken: token, tenantId });
  } catch (err) {
    return xeroRefusal(err);
  }
  const platform = deps.config.PLATFORM_CURRENCY;
  if (org.value.baseCurrency !== platform) {
    return refuse(
      "base_currency_mismatch",
      `${org.value.name} keeps its books in ${org.value.baseCurrency}; the platform books in ${platform}. Choose an organisation whose base currency is ${platform}.`,
    );
  }
  const row = await loadConnection(ctx.db.prisma);
  const sameOrg = row?.tenantId === tenantId;
  await ctx.db.prisma.xeroConnection.update({
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
  if (!sameOrg) await ctx.db.sql.execute(`UPDATE xero_connection SET mapping = NULL WHERE id = $1`, [CONNECTION_ID]);
  await resumeParked(deps, ["needs_reauth", "not_connected"]);
  return { ok: true, view: await connectionView(ctx, deps) };
}

export interface MappingOptions {
  accounts: XeroAccount[];
  taxRates: XeroTaxRate[];
  trackingCategories: XeroTrackingCategory[];
}

export async function mappingOptions(ctx: PlatformContext, deps: Deps): Connected<{ options: MappingOptions }> {
  const x = deps.xero;
  if (!x) return notConfigured();
  let s;
  try {
    s = await xeroSession({ ...deps, db: ctx.db }, { needMapping: false });
  } catch (err) {
    if (err instanceof XeroNotReady) return refuse(`xero_${err.reason}`, err.message);
    throw err;
  }
  try {
    const [accounts, taxRates, trackingCategories] = await Promise.all([x.accounts(s.auth), x.taxRates(s.auth), x.trackingCategories(s.auth)]);
    return { ok: true, options: { accounts: accounts.value, taxRates: taxRates.value, trackingCategories: trackingCategories.value } };
  } catch (err) {
    return xeroRefusal(err);
  }
}

type MappingProblemCode =
  | "unknown_account"
  | "account_archived"
  | "wrong_account_type"
  | "unknown_tax_type"
  | "tax_type_archived"
  | "unknown_tracking_category"
  | "tracking_category_archived";

export interface MappingProblem {
  field: keyof XeroMapping;
  code: MappingProblemCode;
  message: string;
}

/** Checks a mapping against the organisation's chart; every problem is named at once. */
export function checkMapping(m: XeroMapping, o: MappingOptions, baseCurrency: string): MappingProblem[] {
  const problems: MappingProblem[] = [];
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

/** Saves the mapping once every account, the tax type and the tracking category check out (the first problem's code, every problem as a field error). */
export async function saveMapping(ctx: PlatformContext, deps: Deps, mapping: XeroMapping): Connected<{ view: ConnectionView }> {
  const options = await mappingOptions(ctx, deps);
  if (!options.ok) return options;
  const row = (await loadConnection(ctx.db.prisma)) as ConnectionRow;
  const problems = checkMapping(mapping, options.options, row.baseCurrency ?? deps.config.PLATFORM_CURRENCY);
  if (problems.length) {
    return refuse(problems[0]!.code, problems.map((p) => `${p.field}: ${p.message}`).join("; "), {
      errors: problems.map((p) => fieldError([p.field], p.code, p.message)),
    });
  }
  await ctx.db.prisma.xeroConnection.update({ where: { id: CONNECTION_ID }, data: { mapping: { ...mapping } } });
  await resumeParked(deps, ["not_mapped", "not_connected", "needs_reauth"]);
  return { ok: true, view: await connectionView(ctx, deps) };
}

/**
 * The whole connection in one go, with consent given by `consent` (the consent URL in, Xero's
 * redirect back out): sandbox mode, tests and benchmarks, where the Xero stand-in's "Allow"
 * gives it. The first refusal of any step is the answer.
 */
export async function connectWithConsent(ctx: PlatformContext, deps: Deps, consent: (consentUrl: string) => Promise<string>, mapping: XeroMapping): Connected<{ view: ConnectionView }> {
  const started = await startConnect(ctx, deps);
  if (!started.ok) return started;
  const connected = await completeConnect(ctx, deps, new URL(await consent(started.consentUrl)).searchParams);
  if (!connected.ok) return connected;
  return saveMapping(ctx, deps, mapping);
}

/** Revokes the token at Xero (a failure is logged: the connection is dropped here anyway) and forgets it. */
export async function disconnect(ctx: PlatformContext, deps: Deps): Connected<{ view: ConnectionView }> {
  const x = deps.xero;
  if (!x) return notConfigured();
  const t = await readTokens(ctx.db.prisma, deps);
  if (t) await x.revoke(t.refreshToken).catch((err: unknown) => ctx.log.warn({ err }, "Xero token revoke failed; the connection is dropped here anyway"));
  await ctx.db.sql.execute(`UPDATE xero_connection SET status = 'disconnected', updated_at = now() WHERE id = $1`, [CONNECTION_ID]);
  await deleteSecret(ctx.db, { vendorId: null, name: "xero.tokens" });
  return { ok: true, view: await connectionView(ctx, deps) };
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

export async function connectionView(ctx: PlatformContext, deps: Deps): Promise<ConnectionView> {
  const row = await loadConnection(ctx.db.prisma);
  const counts = await ctx.db.sql.query<{ status: string; n: number }>(`SELECT status::text, count(*)::int AS n FROM accounting_record GROUP BY status`);
  const bookings = { pending: 0, booked: 0, needs_attention: 0, parked: 0 };
  for (const c of counts) bookings[c.status as keyof typeof bookings] = c.n;
  let connections: ConnectionView["connections"] = [];
  if (row?.status === "choose_organisation" && deps.xero) {
    const token = await accessToken(ctx, deps);
    if (typeof token === "string") connections = (await deps.xero.connections(token).catch(() => [])).map((c) => ({ tenantId: c.tenantId, tenantName: c.tenantName, tenantType: c.tenantType }));
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
