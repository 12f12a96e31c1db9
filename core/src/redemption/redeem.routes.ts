import { createHmac } from "node:crypto";
import { getConnInfo } from "@hono/node-server/conninfo";
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import type { Deps } from "../platform/deps.ts";
import { fieldError, ProblemError, problemResponses } from "../http/problem.ts";
import type { AppEnv } from "../http/request-context.ts";
import { createRouter } from "../http/router.ts";
import { addressSchema } from "./address.ts";
import { codeLookupHash, parseCode } from "./codes/codes.ts";
import { createRedeemLimiters, type AttemptDecision } from "./codes/attempt-limiter.ts";
import { giftViewJson } from "./gift-view.ts";
import { GiftViewSchema } from "./gift-view.schema.ts";
import { mintRecipientToken, RECIPIENT_TOKEN_TTL_SECONDS, verifyRecipientToken } from "./recipient-token.ts";
import { redeemUnit } from "./redeem.ts";
import { correctAddress } from "./address-correction.ts";
import { sendThankYou, THANK_YOU_MAX_LENGTH } from "./thank-you.ts";
import { bearerToken } from "../http/bearer.ts";

type RecipientEnv = AppEnv & { Variables: { unitId: string } };

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
    const view = await giftViewJson(deps.db, c.get("unitId"), deps.config.publicUrl);
    if (!view) throw new ProblemError(401, "invalid_recipient_token", "This gift no longer exists.");
    return viewResponse(c, view);
  });

  router.openapi(redeemRoute, async (c) => {
    const body = c.req.valid("json");
    const result = await redeemUnit(deps, c.get("unitId"), body);
    if (!result.ok) {
      const problems: Record<typeof result.code, [409 | 410 | 422 | 401, string]> = {
        not_found: [401, "This gift no longer exists."],
        already_redeemed: [409, "This gift was already redeemed."],
        unavailable: [410, "This gift was canceled."],
        on_hold: [409, "This gift is on hold for now and cannot be redeemed yet. Please try again later, or ask the sender."],
        expired: [410, "This gift has expired."],
        not_a_choice: [422, "That item is not one of this gift's choices."],
        country_not_shipped: [422, "The brand does not ship to that country."],
        out_of_stock: [409, "That choice just ran out of stock; please pick another."],
      };
      const [status, detail] = problems[result.code];
      // The two a form shows on a field: the country, and the chosen item.
      const field = { country_not_shipped: "address.country", not_a_choice: "variantId", out_of_stock: "variantId" }[result.code as string];
      const errors = field ? [fieldError(field.split("."), result.code, detail)] : undefined;
      throw new ProblemError(status, result.code, { detail, errors });
    }
    return viewResponse(c, result.view);
  });

  router.openapi(addressRoute, async (c) => {
    const result = await correctAddress(deps, c.get("unitId"), c.req.valid("json").address);
    if (!result.ok) {
      const problems: Record<typeof result.code, [401 | 409 | 410 | 422, string]> = {
        not_found: [401, "This gift no longer exists."],
        not_redeemed: [409, "This gift has not been redeemed yet: choose your item and address first."],
        already_ordered: [409, "Your gift has already been ordered from the brand, so its address can no longer be changed here. If it must go elsewhere, please reach out to the sender."],
        unavailable: [410, "This gift was canceled."],
        country_not_shipped: [422, "This gift can't be shipped to that country."],
      };
      const [status, detail] = problems[result.code];
      const errors = result.code === "country_not_shipped" ? [fieldError(["address", "country"], result.code, detail)] : undefined;
      throw new ProblemError(status, result.code, { detail, errors });
    }
    return viewResponse(c, result.view);
  });

  router.openapi(thankYouRoute, async (c) => {
    const result = await sendThankYou(deps, c.get("unitId"), c.req.valid("json").message);
    if (!result.ok) {
      const problems: Record<typeof result.code, [401 | 409 | 410, string]> = {
        not_found: [401, "This gift no longer exists."],
        not_redeemed: [409, "Redeem your gift first; then you can thank the sender."],
        already_sent: [409, "You already sent a thank-you note for this gift."],
        unavailable: [410, "This gift was canceled."],
      };
      const [status, detail] = problems[result.code];
      throw new ProblemError(status, result.code, { detail });
    }
    return viewResponse(c, result.view);
  });
  return router;
}
