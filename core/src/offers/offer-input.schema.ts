import { z } from "@hono/zod-openapi";
import { dateTime, MAX_INT32 } from "../http/ranges.ts";

/** Largest B2B price per recipient we accept: 1,000,000.00 in a two-decimal currency. */
export const MAX_PRICE_MINOR = 100_000_000;
/** Versions are 32-bit integers in the database. */
const MAX_VERSION = MAX_INT32;

const OfferItemInput = z
  .object({
    productId: z.uuid(),
    variantId: z
      .uuid()
      .optional()
      .openapi({ description: "One variant; omit to offer every giftable variant of the product. Several items naming variants of one product narrow what recipients pick from." }),
  })
  .strict()
  .openapi("OfferItemInput");

const fields = {
  name: z.string().trim().min(1).max(120),
  description: z.string().trim().max(2000),
  kind: z.enum(["single", "choice"]).openapi({
    description:
      "`single`: one product for every recipient, who picks among its giftable variants (all of them, or those the items name). `choice`: the recipient picks one of several products or variants (at least two).",
  }),
  priceAmount: z.number().int().min(1).max(MAX_PRICE_MINOR).openapi({ description: "B2B price per recipient, minor units." }),
  currency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code in capitals, e.g. USD"),
  startsAt: dateTime().nullable(),
  endsAt: dateTime().nullable(),
  expiryDays: z.number().int().min(1).max(730).openapi({ description: "Days a recipient has to redeem after the gift is sent." }),
  items: z.array(OfferItemInput).min(1).max(100),
};

export const CreateOfferInput = z
  .object({
    ...fields,
    description: fields.description.default(""),
    startsAt: fields.startsAt.optional(),
    endsAt: fields.endsAt.optional(),
    expiryDays: fields.expiryDays.optional().openapi({ description: "Defaults to the brand's default gift expiry." }),
    status: z.enum(["draft", "active"]).default("draft"),
  })
  .strict()
  .openapi("CreateOffer");
export type CreateOfferInput = z.infer<typeof CreateOfferInput>;

export const UpdateOfferInput = z
  .object({
    version: z.number().int().min(1).max(MAX_VERSION).openapi({ description: "The version you read; a concurrent change answers 409." }),
    ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.optional()])),
  } as { version: z.ZodNumber } & { [K in keyof typeof fields]: z.ZodOptional<(typeof fields)[K]> })
  .strict()
  .openapi("UpdateOffer");
export type UpdateOfferInput = z.infer<typeof UpdateOfferInput>;

export const OfferStatusInput = z
  .object({ status: z.enum(["active", "paused", "archived"]), version: z.number().int().min(1).max(MAX_VERSION) })
  .strict()
  .openapi("OfferStatusChange");
