import { createHmac } from "node:crypto";
import { getConnInfo } from "@hono/node-server/conninfo";
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Deps } from "../platform/deps.ts";
import { ProblemError, problemResponses } from "../http/problem.ts";
import { orProblem } from "../http/refusals.ts";
import type { AppEnv } from "../http/request-context.ts";
import { createRouter } from "../http/router.ts";
import { addressSchema } from "./address.ts";
import { codeLookupHash, parseCode } from "./codes/codes.ts";
import { createRedeemLimiters, type AttemptDecision } from "./codes/attempt-limiter.ts";
import { giftViewJson } from "./gift-view.ts";
import { GiftViewSchema } from "./gift-view.schema.ts";
import { mintRecipientToken, RECIPIENT_TOKEN_TTL_SECONDS, verifyRecipientToken } from "./recipient-token.ts";
import { redeemUnit, type RedeemRefusalCode } from "./redeem.ts";
import { correctAddress, type CorrectionRefusalCode } from "./address-correction.ts";
import { sendThankYou, THANK_YOU_MAX_LENGTH, type ThankYouRefusalCode } from "./thank-you.ts";
import { recipientContext, type RecipientContext } from "./recipient-context.ts";
import { bearerToken } from "../http/bearer.ts";

type RecipientEnv = AppEnv & { Variables: { unitId: string } };

/** The use-case context of a request behind the recipient token: the gift it names, the request's logger and id. */
function recipientRequestContext(c: Context<RecipientEnv>, deps: Pick<Deps, "db">): RecipientContext {
  return recipientContext({ db: deps.db, unitId: c.get("unitId"), log: c.get("log"), requestId: c.get("requestId") });
}

/** Each refusal's HTTP status; a gift that no longer exists answers 401, as a token that names no gift does. */
const REDEEM_REFUSAL_STATUS: Record<RedeemRefusalCode, ContentfulStatusCode> = {
  not_found: 401,
  already_redeemed: 409,
  unavailable: 410,
  on_hold: 409,
  expired: 410,
  not_a_choice: 422,
  country_not_shipped: 422,
  out_of_stock: 409,
};
const CORRECTION_REFUSAL_STATUS: Record<CorrectionRefusalCode, ContentfulStatusCode> = {
  not_found: 401,
  not_redeemed: 409,
  already_ordered: 409,
  unavailable: 410,
  country_not_shipped: 422,
};
const THANK_YOU_REFUSAL_STATUS: Record<ThankYouRefusalCode, ContentfulStatusCode> = { not_found: 401, not_redeemed: 409, already_sent: 409, unavailable: 410 };

export const RECIPIENT_SECURITY_SCHEME = "recipientToken";

function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown"; // in-process requests (tests) have no socket
  }
}

/**
 * The per-address limiter's key: an HMAC of the address under the code key (a purpose of
 * its own), so the shared limiter's table never holds client addresses.
 */
const clientAddressKey = (address: string, key: Buffer) => createHmac("sha256", key).update(`client-address:${address}`).digest("hex");

/** A view the database built as JSON text (gift-view.ts), answered as it is. */
const viewResponse = (c: Context, view: string) => c.body(view, 200, { "content-type": "application/json" }) as never;

function tooMany(d: AttemptDecision, code: string, detail: string): ProblemError {
  return new ProblemError(429, code, { detail, headers: { "retry-after": String(d.retryAfterSeconds) } });
}

const sessionRoute = createRoute({
  method: "post",
  path: "/session",
  tags: ["Recipient"],
  summary: "Exchange a gift code for a short-lived recipient token",
  description: "Codes are case-insensitive; spaces and dashes are ignored. Attempts are rate-limited per client address and locked per code after repeated failures.",
  request: { body: { required: true, content: { "application/json": { schema: z.object({ code: z.string().min(1).max(64) }).strict() } } } },
  responses: {
    200: {
      description: "The token for this gift.",
      content: { "application/json": { schema: z.object({ token: z.string(), expiresIn: z.number().int() }).openapi("RecipientSession") } },
    },
    ...problemResponses(400, 413, 415, 422, { 404: "No gift has this code (`code_not_found`).", 429: "Too many attempts; see Retry-After." }),
  },
});

const giftRoute = createRoute({
  method: "get",
  path: "/gift",
  tags: ["Recipient"],
  summary: "The gift: brand, message, the choices with options and stock, status and tracking",
  security: [{ [RECIPIENT_SECURITY_SCHEME]: [] }],
  responses: { 200: { description: "The gift.", content: { "application/json": { schema: GiftViewSchema } } }, ...problemResponses(401) },
});

const redeemRoute = createRoute({
  method: "post",
  path: "/gift/redeem",
  tags: ["Recipient"],
  summary: "Redeem: choose a variant and give the shipping address (once)",
  security: [{ [RECIPIENT_SECURITY_SCHEME]: [] }],
  request: {
    body: { required: true, content: { "application/json": { schema: z.object({ variantId: z.uuid(), address: addressSchema }).strict().openapi("Redemption") } } },
  },
  responses: {
    200: { description: "Redeemed; the gift as it now stands.", content: { "application/json": { schema: GiftViewSchema } } },
    ...problemResponses(400, 401, 413, 415, {
      409: "Already redeemed (`already_redeemed`), the choice is out of stock (`out_of_stock`), or the gift is on hold while its payment is disputed (`on_hold`).",
      410: "The gift expired or was canceled.",
      422: "Invalid address, a variant that is not one of the choices, or a country the brand does not ship to.",
    }),
  },
});

const addressRoute = createRoute({
  method: "put",
  path: "/gift/address",
  tags: ["Recipient"],
  summary: "Correct the shipping address of a redeemed gift, until it is ordered from the brand",
  description:
    "Allowed while the gift is redeemed and its order has not yet been sent to the brand (`redemption.addressEditable` in the gift). Once the brand's order is under way the answer is `409 already_ordered`, and the gift ships to the address it has.",
  security: [{ [RECIPIENT_SECURITY_SCHEME]: [] }],
  request: { body: { required: true, content: { "application/json": { schema: z.object({ address: addressSchema }).strict().openapi("AddressCorrection") } } } },
  responses: {
    200: { description: "Corrected; the gift as it now stands.", content: { "application/json": { schema: GiftViewSchema } } },
    ...problemResponses(400, 401, 413, 415, {
      409: "Not redeemed yet (`not_redeemed`), or already being ordered from the brand (`already_ordered`): the address can no longer change.",
      410: "The gift was canceled.",
      422: "Invalid address, or a country the gift cannot ship to.",
    }),
  },
});

const thankYouRoute = createRoute({
  method: "post",
  path: "/gift/thank-you",
  tags: ["Recipient"],
  summary: "Send the sender a thank-you note (once, after redeeming)",
  description: "The buyer gets it by email (replies go to the recipient) and sees it on the order.",
  security: [{ [RECIPIENT_SECURITY_SCHEME]: [] }],
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({ message: z.string().trim().min(1, "Write a few words.").max(THANK_YOU_MAX_LENGTH, `At most ${THANK_YOU_MAX_LENGTH} characters.`) })
            .strict()
            .openapi("ThankYouNote"),
        },
      },
    },
  },
  responses: {
    200: { description: "Sent; the gift as it now stands (with the note).", content: { "application/json": { schema: GiftViewSchema } } },
    ...problemResponses(400, 401, 413, 415, 422, { 409: "Not redeemed yet (`not_redeemed`), or a note was already sent (`already_sent`).", 410: "The gift was canceled." }),
  },
});

/** Mounted at /v1/redeem: the recipient's side of a gift. */
export function redeemRoutes(deps: Deps): OpenAPIHono<RecipientEnv> {
  const router = createRouter<RecipientEnv>();
  router.openAPIRegistry.registerComponent("securitySchemes", RECIPIENT_SECURITY_SCHEME, {
    type: "http",
    scheme: "bearer",
    description: "The token from POST /v1/redeem/session (valid 30 minutes).",
  });
  const limiters = createRedeemLimiters(deps.db);

  const recipientAuth: MiddlewareHandler<RecipientEnv> = async (c, next) => {
    const token = bearerToken(c.req.header("authorization"));
    const unitId = token ? await verifyRecipientToken(deps.config, token) : undefined;
    if (!unitId) {
      throw new ProblemError(401, "invalid_recipient_token", {
        detail: "Open your gift link again, or enter your code.",
        headers: { "www-authenticate": 'Bearer realm="giftloop-recipient"' },
      });
    }
    c.set("unitId", unitId);
    await next();
  };
  // "/gift/*" also matches "/gift" itself (adding "/gift" too ran the check twice on every page view).
  router.use("/gift/*", recipientAuth);

  router.openapi(sessionRoute, async (c) => {
    const ipKey = clientAddressKey(clientAddress(c, deps.config.TRUST_PROXY), deps.codeKey);
    const perIp = await limiters.perIp.check(ipKey);
    if (!perIp.allowed) throw tooMany(perIp, "too_many_attempts", "Too many attempts from this address. Try again later.");
    const parsed = parseCode(c.req.valid("json").code);
    if (!parsed.ok) {
      throw new ProblemError(422, "invalid_code", {
        detail: parsed.reason === "checksum" ? "This code has a typo: check each character." : "This is not a gift code.",
      });
    }
    const hash = codeLookupHash(parsed.code, deps.codeKey);
    const perCode = await limiters.perCode.check(hash);
    if (!perCode.allowed) throw tooMany(perCode, "code_locked", "This code is locked after repeated failed attempts. Try again later.");
    const unit = await deps.db.prisma.fulfillmentUnit.findUnique({ where: { codeHash: hash }, select: { id: true } });
    if (!unit) {
      await limiters.perCode.fail(hash);
      throw new ProblemError(404, "code_not_found", "No gift has this code.");
    }
    // A lookup that found its gift does not count against the address (see attempt-limiter.ts).
    await Promise.all([limiters.perCode.succeed(hash), limiters.perIp.succeed(ipKey)]);
    return c.json({ token: await mintRecipientToken(deps.config, unit.id), expiresIn: RECIPIENT_TOKEN_TTL_SECONDS }, 200);
  });

  router.openapi(giftRoute, async (c) => {
    const view = await giftViewJson(recipientRequestContext(c, deps), deps);
    if (!view) throw new ProblemError(401, "invalid_recipient_token", "This gift no longer exists.");
    return viewResponse(c, view);
  });

  router.openapi(redeemRoute, async (c) => {
    const { view } = orProblem(await redeemUnit(recipientRequestContext(c, deps), deps, c.req.valid("json")), REDEEM_REFUSAL_STATUS);
    return viewResponse(c, view);
  });

  router.openapi(addressRoute, async (c) => {
    const { view } = orProblem(await correctAddress(recipientRequestContext(c, deps), deps, c.req.valid("json")), CORRECTION_REFUSAL_STATUS);
    return viewResponse(c, view);
  });

  router.openapi(thankYouRoute, async (c) => {
    const { view } = orProblem(await sendThankYou(recipientRequestContext(c, deps), deps, c.req.valid("json")), THANK_YOU_REFUSAL_STATUS);
    return viewResponse(c, view);
  });
  return router;
}
