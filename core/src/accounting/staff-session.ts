import type { Context, MiddlewareHandler } from "hono";
import type { Deps } from "../platform/deps.ts";
import type { Database } from "../platform/db/connect.ts";
import { platformContext, type PlatformContext } from "../platform/use-case.ts";
import { ProblemError } from "../http/problem.ts";
import type { AppEnv } from "../http/request-context.ts";
import { WebSessions } from "../platform/web-session/web-sessions.ts";
import { assertCsrf, clientKey, originOf } from "../platform/web-session/csrf.ts";

/**
 * Staff sign-in for the finance console, on the product's web sessions
 * (core/src/platform/web-session): accounts are made by the CLI; a person asks for a sign-in
 * link by email (the answer is the same whether or not the address has an account), the link
 * works once within 15 minutes and opens a 12-hour session in an httpOnly cookie; every write
 * must come from our origin with the session's CSRF token in `X-CSRF-Token`.
 */
export const STAFF_ROLES = ["admin", "finance", "support"] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export const STAFF_SESSION_COOKIE = "gl_staff";

export interface Staff {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  csrf: string;
}

export interface StaffVariables {
  staff: Staff;
}

/** The platform context of a finance-console request: acts as `staff:<email>`, logs with the request's id. */
export function staffContext(c: Context<AppEnv & { Variables: StaffVariables }>, db: Database): PlatformContext {
  return platformContext({ db, actor: `staff:${c.get("staff").email}`, log: c.get("log"), requestId: c.get("requestId") });
}

/** The OpenAPI security schemes of `/v1/finance`: reads need the session cookie, writes the cookie and the CSRF header. */
export const STAFF_SESSION_SCHEME = "staffSession";
export const STAFF_CSRF_SCHEME = "staffCsrfToken";
export const staffReadSecurity = [{ [STAFF_SESSION_SCHEME]: [] }];
export const staffWriteSecurity = [{ [STAFF_SESSION_SCHEME]: [], [STAFF_CSRF_SCHEME]: [] }];

/** The schemes as the API description states them; the cookie's name is this deployment's (`__Host-` prefixed over https). */
export function staffSecuritySchemes(deps: Pick<Deps, "db" | "config">) {
  return {
    [STAFF_SESSION_SCHEME]: {
      type: "apiKey" as const,
      in: "cookie" as const,
      name: staffSessions(deps).cookieName,
      description:
        "The finance console's staff session: an httpOnly cookie set by the emailed sign-in link (`GET /finance/sign-in?token=…`, asked for with `POST /v1/finance/session`), valid for 12 hours.",
    },
    [STAFF_CSRF_SCHEME]: {
      type: "apiKey" as const,
      in: "header" as const,
      name: "X-CSRF-Token",
      description:
        "The session's CSRF token (`csrfToken` of `GET /v1/finance/me`), required with the cookie on every write; a write must also come from the console's own origin (`Origin`, or `Sec-Fetch-Site: same-origin`).",
    },
  };
}

const byDb = new WeakMap<object, WebSessions>();

export function staffSessions(deps: Pick<Deps, "db" | "config">): WebSessions {
  let s = byDb.get(deps.db);
  if (!s) {
    s = new WebSessions(deps.db, { kind: "staff", cookieName: STAFF_SESSION_COOKIE, secure: deps.config.publicUrl.startsWith("https:"), linkTtlSeconds: 15 * 60, sessionTtlSeconds: 12 * 3600 });
    byDb.set(deps.db, s);
  }
  return s;
}

export async function addStaff(deps: Pick<Deps, "db">, input: { email: string; name: string; role: StaffRole }): Promise<{ id: string; created: boolean }> {
  const email = input.email.trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new Error(`not an email address: ${input.email}`);
  if (!STAFF_ROLES.includes(input.role)) throw new Error(`role must be one of ${STAFF_ROLES.join(", ")}`);
  const existing = await deps.db.prisma.staffAccount.findUnique({ where: { email } });
  if (existing) {
    await deps.db.prisma.staffAccount.update({ where: { id: existing.id }, data: { role: input.role, name: input.name, disabledAt: null } });
    return { id: existing.id, created: false };
  }
  const row = await deps.db.prisma.staffAccount.create({ data: { email, name: input.name, role: input.role } });
  return { id: row.id, created: true };
}

/** Emails a sign-in link when the address belongs to an active account; silent otherwise. */
export async function requestSignIn(deps: Deps, c: Context, email: string): Promise<void> {
  const staff = await deps.db.prisma.staffAccount.findUnique({ where: { email: email.trim().toLowerCase() } });
  if (!staff || staff.disabledAt) return;
  const r = await staffSessions(deps).requestLink({ email: staff.email, purpose: "staff_sign_in", clientKey: clientKey(c, deps.codeKey, deps.config.TRUST_PROXY) });
  if (!r.ok) return; // asked too often: the earlier link stands (the answer is the same either way)
  const url = `${deps.config.publicUrl}/finance/sign-in?token=${r.link.token}`;
  const name = staff.name.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  await deps.email.send({
    to: staff.email,
    subject: "Sign in to the Giftloop finance console",
    idempotencyKey: `staff-sign-in:${r.link.id}`,
    text: `Hello ${staff.name},\n\nSign in to the finance console (the link works once, for 15 minutes):\n${url}\n\nOr type this code: ${r.link.code}\n\nIf you did not ask for it, ignore this email.`,
    html: `<p>Hello ${name},</p><p><a href="${url}">Sign in to the finance console</a> (the link works once, for 15 minutes).</p><p>If you did not ask for it, ignore this email.</p>`,
  });
}

const LINK_FAILURES: Record<string, string> = {
  invalid: "This sign-in link is not valid. Ask for a new one.",
  expired: "This sign-in link has expired. Ask for a new one.",
  used: "This sign-in link was used already. Ask for a new one.",
  too_many_attempts: "Too many wrong codes for this link. Ask for a new one.",
};

/** Uses the emailed link and opens a session (the cookie is set on `c`). */
export async function completeSignIn(deps: Deps, c: Context, token: string): Promise<void> {
  const sessions = staffSessions(deps);
  const v = await sessions.verifyToken(token);
  if (!v.ok) throw new ProblemError(400, `sign_in_link_${v.reason}`, LINK_FAILURES[v.reason] ?? "This sign-in link is not valid.");
  const staff = await deps.db.prisma.staffAccount.findUnique({ where: { email: v.link.email } });
  if (!staff || staff.disabledAt) throw new ProblemError(403, "account_disabled", "This console account is disabled.");
  await sessions.start(c, staff.id);
}

export async function endSession(deps: Deps, c: Context): Promise<void> {
  await staffSessions(deps).end(c);
}

/** The staff session of the request (401 without one; 403 on a write without our origin and CSRF token, or without the role). */
export function staffAuth(deps: Deps, roles: readonly StaffRole[] = STAFF_ROLES): MiddlewareHandler<AppEnv & { Variables: StaffVariables }> {
  const origins = [originOf(deps.config.publicUrl)];
  return async function staffAuth(c, next) {
    const session = await staffSessions(deps).resolve(c);
    const account = session ? await deps.db.prisma.staffAccount.findUnique({ where: { id: session.principalId } }) : null;
    if (!session || !account || account.disabledAt) throw new ProblemError(401, "not_signed_in", "Sign in to the finance console first.");
    assertCsrf(c, session.csrfToken, origins);
    const staff: Staff = { id: account.id, email: account.email, name: account.name, role: account.role, csrf: session.csrfToken };
    if (!roles.includes(staff.role)) throw new ProblemError(403, "role_not_allowed", `Your role (${staff.role}) cannot do this.`);
    c.set("staff", staff);
    await next();
  };
}

/** A route's role check, as middleware that runs before its input is read (behind staffAuth). */
export function staffRoles(roles: readonly StaffRole[]): MiddlewareHandler<AppEnv & { Variables: StaffVariables }> {
  return async function staffRoles(c, next) {
    requireRole(c.get("staff"), roles);
    await next();
  };
}

/** Role check inside a route already behind staffAuth. */
export function requireRole(staff: Staff, roles: readonly StaffRole[]): void {
  if (!roles.includes(staff.role)) throw new ProblemError(403, "role_not_allowed", `Your role (${staff.role}) cannot do this.`);
}
