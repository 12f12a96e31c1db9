import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Deps } from "../platform/deps.ts";
import { ProblemError, problemResponses } from "../http/problem.ts";
import type { AppEnv } from "../http/request-context.ts";
import { createRouter } from "../http/router.ts";
import { assertCsrf, clientKey } from "../platform/web-session/csrf.ts";
import type { LinkFailure } from "../platform/web-session/web-sessions.ts";
import { buyerOrigins, buyerSessions } from "./buyer-sessions.ts";
import { completeSignIn, isWorkEmail, requestSignIn, requestSignUp, sessionView, type RequestLinkResult } from "./buyer-sign-in.ts";
import { memberOfSession } from "./buyer-members.ts";
import { BUYER_ROLES, PERMISSIONS, permissionsOf as permissionsOfRole } from "./buyer-roles.ts";

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });
const Email = z.email().max(320);

export const MemberSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string().nullable(),
    role: z.enum(BUYER_ROLES),
    joinedAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi("BuyerMember");

const SessionSchema = z
  .object({
    member: MemberSchema,
    organisation: z.object({ id: z.uuid(), name: z.string(), digestOptIn: z.boolean() }),
    permissions: z.array(z.enum(PERMISSIONS)),
    csrfToken: z.string().openapi({ description: "Send it as `X-CSRF-Token` on every write made with the session cookie." }),
  })
  .openapi("BuyerSession");

const Sent = json(z.object({ sent: z.literal(true) }).openapi("SignInLinkSent"));

const signUpRoute = createRoute({
  method: "post",
  path: "/sign-up",
  tags: ["Buyer accounts"],
  summary: "Sign up with a work email: emails a link (and code) that creates the organisation",
  request: {
    body: {
      required: true,
      ...json(z.object({ email: Email, organisation: z.string().trim().min(1).max(200), name: z.string().trim().min(1).max(200).optional() }).strict()),
    },
  },
  responses: {
    202: { description: "The link is on its way (an email that already has an account gets a sign-in link).", ...Sent },
    ...problemResponses(400, 413, 415, 422, { 429: "Too many links asked for this email or from this client (`rate_limited`, Retry-After)." }),
  },
});

const signInRoute = createRoute({
  method: "post",
  path: "/sign-in",
  tags: ["Buyer accounts"],
  summary: "Email a sign-in link (and code)",
  description: "The answer is the same whether or not the email has an account.",
  request: { body: { required: true, ...json(z.object({ email: Email }).strict()) } },
  responses: { 202: { description: "If the email has an account, the link is on its way.", ...Sent }, ...problemResponses(400, 413, 415, 422, 429) },
});

const verifyRoute = createRoute({
  method: "post",
  path: "/verify",
  tags: ["Buyer accounts"],
  summary: "Sign in with the link's token, or with the email and its pasted code",
  description: "Sets the session cookie (httpOnly, SameSite=Lax; Secure over https). A link or code works once, for 15 minutes; five wrong codes burn it.",
  request: {
    body: {
      required: true,
      ...json(
        z.union([
          z.object({ token: z.string().min(1).max(200) }).strict(),
          z.object({ email: Email, code: z.string().min(1).max(20) }).strict(),
        ]),
      ),
    },
  },
  responses: {
    200: { description: "Signed in.", ...json(SessionSchema) },
    ...problemResponses(400, 413, 415, 422, {
      410: "The link or code was already used (`link_used`), has expired (`link_expired`), or took too many wrong codes (`link_locked`).",
      401: "No such link or code (`link_invalid`), or no account for it (`no_account`).",
    }),
  },
});

const sessionRoute = createRoute({
  method: "get",
  path: "/session",
  tags: ["Buyer accounts"],
  summary: "The signed-in member, their organisation, permissions and CSRF token",
  responses: { 200: { description: "Signed in.", ...json(SessionSchema) }, ...problemResponses(401) },
});

const signOutRoute = createRoute({
  method: "post",
  path: "/sign-out",
  tags: ["Buyer accounts"],
  summary: "Sign out this browser",
  responses: { 204: { description: "Signed out." }, ...problemResponses(403) },
});

const FAILURES: Record<LinkFailure | "no_account", [401 | 410, string, string]> = {
  invalid: [401, "link_invalid", "This sign-in link or code is not valid. Ask for a new one."],
  expired: [410, "link_expired", "This sign-in link has expired (they last 15 minutes). Ask for a new one."],
  used: [410, "link_used", "This sign-in link was already used. Ask for a new one."],
  too_many_attempts: [410, "link_locked", "Too many wrong codes: this sign-in code no longer works. Ask for a new one."],
  no_account: [401, "no_account", "There is no account for this email. Sign up first, or ask your team for an invitation."],
};

function linkSent(r: RequestLinkResult) {
  if (!r.ok) {
    throw new ProblemError(429, "rate_limited", {
      detail: `Too many sign-in emails asked for. Try again in ${r.retryAfterSeconds} seconds.`,
      headers: { "retry-after": String(r.retryAfterSeconds) },
    });
  }
  return { sent: true as const };
}

const keyOf = (deps: Deps, c: Context) => clientKey(c, deps.codeKey, deps.config.TRUST_PROXY);

/** Mounted at /v1/buyer-auth: sign-up, sign-in by link or code, the session, sign-out. */
export function buyerAuthRoutes(deps: Deps): OpenAPIHono<AppEnv> {
  const router = createRouter();
  const sessions = buyerSessions(deps);
  router.openapi(signUpRoute, async (c) => {
    const body = c.req.valid("json");
    if (!isWorkEmail(body.email)) {
      throw new ProblemError(422, "work_email_required", {
        detail: "Sign up with your work email (your company's own domain), so your team can join you.",
        errors: [{ in: "body", path: "email", pointer: "/email", code: "work_email_required", message: "Use your work email." }],
      });
    }
    return c.json(linkSent(await requestSignUp(deps, body, keyOf(deps, c))), 202);
  });
  router.openapi(signInRoute, async (c) => c.json(linkSent(await requestSignIn(deps, c.req.valid("json").email, keyOf(deps, c))), 202));
  router.openapi(verifyRoute, async (c) => {
    const body = c.req.valid("json");
    const verified = "token" in body ? await sessions.verifyToken(body.token) : await sessions.verifyCode(body.email, body.code);
    const r = await completeSignIn(deps, c, verified);
    if (!r.ok) {
      const [status, code, detail] = FAILURES[r.reason];
      throw new ProblemError(status, code, detail);
    }
    return c.json(withPermissions(r.session), 200);
  });
  router.openapi(sessionRoute, async (c) => {
    const s = await sessions.resolve(c);
    const member = s ? await memberOfSession(deps.db, s.principalId) : undefined;
    if (!s || !member) throw new ProblemError(401, "unauthorized", "Not signed in.");
    return c.json(withPermissions(await sessionView(deps, member.id, s.csrfToken)), 200);
  });
  router.openapi(signOutRoute, async (c) => {
    const s = await sessions.resolve(c);
    if (s) assertCsrf(c, s.csrfToken, buyerOrigins(deps));
    await sessions.end(c);
    return c.body(null, 204);
  });
  return router;
}

function withPermissions<T extends { member: { role: (typeof BUYER_ROLES)[number] } }>(s: T) {
  return { ...s, permissions: [...permissionsOfRole(s.member.role)] };
}
