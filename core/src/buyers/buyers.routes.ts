import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Deps } from "../platform/deps.ts";
import { operatorAuth, operatorContext, OPERATOR_SECURITY_SCHEME, type OperatorVariables } from "../http/operator-auth.ts";
import { ProblemError, problemResponses } from "../http/problem.ts";
import type { AppEnv } from "../http/request-context.ts";
import { createRouter } from "../http/router.ts";
import { buyerAuth, buyerRequestContext, buyerSecurityScheme, BUYER_SECURITY_SCHEME, type BuyerEnv } from "./buyer-auth.ts";
import { buyerProfile, createApiKey, createBuyerOrg, listApiKeys, revokeApiKey, setDigestOptIn } from "./buyers.service.ts";
import { changeRole, inviteMember, listMembers, removeMember } from "./buyer-members.ts";
import { BUYER_ROLES } from "./buyer-roles.ts";
import { MemberSchema } from "./buyer-web.routes.ts";
import { buyerSessions } from "./buyer-sessions.ts";
import { sendInvitation } from "./buyer-sign-in.ts";
import { clientKey } from "../platform/web-session/csrf.ts";
import { registerBuyerOrderRoutes } from "./buyer-orders.routes.ts";

const CreatedKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string(),
    key: z.string().openapi({ description: "The API key. Shown this once: store it now.", example: "gl_sk_ab12cd34_…" }),
    createdAt: z.iso.datetime(),
  })
  .openapi("CreatedApiKey");

const ApiKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string(),
    createdAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .openapi("ApiKey");

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });

const createBuyerRoute = createRoute({
  method: "post",
  path: "/",
  tags: ["Operator"],
  summary: "Create a buyer organisation and its first API key",
  security: [{ [OPERATOR_SECURITY_SCHEME]: [] }],
  request: {
    body: {
      required: true,
      ...json(
        z.object({
          name: z.string().trim().min(1).max(200),
          email: z.email().max(320),
          keyName: z.string().trim().min(1).max(100).optional(),
        }).strict(),
      ),
    },
  },
  responses: {
    201: {
      description: "Created. The response holds the only copy of the API key.",
      ...json(z.object({ id: z.uuid(), name: z.string(), email: z.string(), apiKey: CreatedKeySchema }).openapi("CreatedBuyer")),
    },
    ...problemResponses(400, 401, 403, 413, 415, 422),
  },
});

/** Mounted at /v1/operator/buyers. */
export function buyerAdminRoutes(deps: Deps): OpenAPIHono<AppEnv & { Variables: OperatorVariables }> {
  const router = createRouter<AppEnv & { Variables: OperatorVariables }>();
  router.use("*", operatorAuth(deps.config));
  router.openapi(createBuyerRoute, async (c) => {
    const body = c.req.valid("json");
    const ctx = operatorContext(c, deps.db);
    const created = await createBuyerOrg(ctx, body);
    return c.json(created, 201);
  });
  return router;
}

const security = [{ [BUYER_SECURITY_SCHEME]: [] }];

const meRoute = createRoute({
  method: "get",
  path: "/",
  tags: ["Buyer"],
  summary: "The buyer organisation this API key belongs to",
  security,
  responses: {
    200: { description: "The buyer.", ...json(z.object({ id: z.uuid(), name: z.string(), email: z.string() }).openapi("Buyer")) },
    ...problemResponses(401),
  },
});

const listKeysRoute = createRoute({
  method: "get",
  path: "/api-keys",
  tags: ["Buyer"],
  summary: "List this buyer's API keys (never the keys themselves)",
  security,
  responses: { 200: { description: "Keys.", ...json(z.object({ items: z.array(ApiKeySchema) })) }, ...problemResponses(401) },
});

const createKeyRoute = createRoute({
  method: "post",
  path: "/api-keys",
  tags: ["Buyer"],
  summary: "Create another API key",
  security,
  request: { body: { required: true, ...json(z.object({ name: z.string().trim().min(1).max(100) }).strict()) } },
  responses: {
    201: { description: "Created. The response holds the only copy of the key.", ...json(CreatedKeySchema) },
    ...problemResponses(400, 401, 413, 415, 422),
  },
});

const revokeKeyRoute = createRoute({
  method: "delete",
  path: "/api-keys/{id}",
  tags: ["Buyer"],
  summary: "Revoke an API key",
  security,
  request: { params: z.object({ id: z.uuid() }) },
  responses: { 204: { description: "Revoked." }, ...problemResponses(400, 401, { 404: "No active key with this id." }) },
});

const membersRoute = createRoute({
  method: "get",
  path: "/members",
  tags: ["Buyer"],
  summary: "The team: members and invitations",
  security,
  responses: { 200: { description: "Members.", ...json(z.object({ items: z.array(MemberSchema) })) }, ...problemResponses(401) },
});

const inviteRoute = createRoute({
  method: "post",
  path: "/members",
  tags: ["Buyer"],
  summary: "Invite a team member by email (owner, admin, sender: orders, finance: pays and sees receipts)",
  security,
  request: {
    body: {
      required: true,
      ...json(z.object({ email: z.email().max(320), role: z.enum(BUYER_ROLES), name: z.string().trim().min(1).max(200).optional() }).strict()),
    },
  },
  responses: {
    201: { description: "Invited: the invitation email is on its way.", ...json(MemberSchema) },
    ...problemResponses(400, 401, 403, 413, 415, 422, { 409: "Already on the team (`already_member`).", 429: "Too many emails to this address (`rate_limited`)." }),
  },
});

const memberParams = z.object({ id: z.uuid() });

const changeRoleRoute = createRoute({
  method: "patch",
  path: "/members/{id}",
  tags: ["Buyer"],
  summary: "Change a member's role",
  security,
  request: { params: memberParams, body: { required: true, ...json(z.object({ role: z.enum(BUYER_ROLES) }).strict()) } },
  responses: {
    200: { description: "Changed.", ...json(MemberSchema) },
    ...problemResponses(400, 401, 403, 413, 415, 422, { 404: "No such member.", 409: "The team would have no owner (`last_owner`)." }),
  },
});

const removeRoute = createRoute({
  method: "delete",
  path: "/members/{id}",
  tags: ["Buyer"],
  summary: "Remove a member (their sessions end at once)",
  security,
  request: { params: memberParams },
  responses: { 204: { description: "Removed." }, ...problemResponses(400, 401, 403, { 404: "No such member.", 409: "The team would have no owner (`last_owner`)." }) },
});

const settingsRoute = createRoute({
  method: "patch",
  path: "/settings",
  tags: ["Buyer"],
  summary: "Organisation settings: the daily digest email of redemptions",
  security,
  request: { body: { required: true, ...json(z.object({ digestOptIn: z.boolean() }).strict()) } },
  responses: {
    200: { description: "Saved.", ...json(z.object({ digestOptIn: z.boolean() }).openapi("BuyerSettings")) },
    ...problemResponses(400, 401, 403, 413, 415, 422),
  },
});

function memberProblem(code: "not_found" | "last_owner"): never {
  if (code === "not_found") throw new ProblemError(404, "not_found", "Your team has no member with this id.");
  throw new ProblemError(409, "last_owner", "The team needs at least one owner: make someone else an owner first.");
}

/** Mounted at /v1/buyer: the calling buyer's own organisation and keys. */
export function buyerRoutes(deps: Deps): OpenAPIHono<BuyerEnv> {
  const router = createRouter<BuyerEnv>();
  router.openAPIRegistry.registerComponent("securitySchemes", BUYER_SECURITY_SCHEME, buyerSecurityScheme);
  router.use("*", buyerAuth(deps));
  router.openapi(meRoute, async (c) => {
    const org = await buyerProfile(buyerRequestContext(c, deps));
    return c.json({ id: org.id, name: org.name, email: org.email }, 200);
  });
  registerBuyerOrderRoutes(router, deps);
  router.openapi(membersRoute, async (c) => c.json({ items: await listMembers(buyerRequestContext(c, deps)) }, 200));
  router.openapi(inviteRoute, async (c) => {
    const ctx = buyerRequestContext(c, deps);
    const r = await inviteMember(ctx, c.req.valid("json"));
    if (!r.ok) throw new ProblemError(409, "already_member", "This email is already on your team.");
    const org = await buyerProfile(ctx);
    const sent = await sendInvitation(deps, r.member.email, org.name, clientKey(c, deps.codeKey, deps.config.TRUST_PROXY));
    if (!sent.ok) throw new ProblemError(429, "rate_limited", { detail: "Too many emails to this address; try again later.", headers: { "retry-after": String(sent.retryAfterSeconds) } });
    return c.json(r.member, 201);
  });
  router.openapi(changeRoleRoute, async (c) => {
    const r = await changeRole(buyerRequestContext(c, deps), c.req.valid("param").id, c.req.valid("json").role);
    if (!r.ok) memberProblem(r.code);
    return c.json(r.member, 200);
  });
  router.openapi(removeRoute, async (c) => {
    const id = c.req.valid("param").id;
    const r = await removeMember(buyerRequestContext(c, deps), id);
    if (!r.ok) memberProblem(r.code);
    await buyerSessions(deps).revokeAll(id);
    return c.body(null, 204);
  });
  router.openapi(settingsRoute, async (c) => {
    return c.json(await setDigestOptIn(buyerRequestContext(c, deps), c.req.valid("json").digestOptIn), 200);
  });
  router.openapi(listKeysRoute, async (c) => c.json({ items: await listApiKeys(buyerRequestContext(c, deps)) }, 200));
  router.openapi(createKeyRoute, async (c) => {
    const key = await createApiKey(buyerRequestContext(c, deps), c.req.valid("json").name);
    return c.json(key, 201);
  });
  router.openapi(revokeKeyRoute, async (c) => {
    const ok = await revokeApiKey(buyerRequestContext(c, deps), c.req.valid("param").id);
    if (!ok) throw new ProblemError(404, "not_found", "This buyer has no active API key with that id.");
    return c.body(null, 204);
  });
  return router;
}
