import { z } from "@hono/zod-openapi";
import { ChoiceSchema } from "../storefronts/choice.schema.ts";

/**
 * The API description of a `GiftView` (gift-view.ts), the body of GET /v1/redeem/gift and of
 * a redemption. The view is built as JSON by PostgreSQL and passed through unparsed; a test
 * (gift-view.test.ts) checks real views against this schema, so the two cannot drift apart.
 */
export const GiftViewSchema = z
  .object({
    status: z.string().openapi({
      description:
        "`available` or `expired` for a gift not yet redeemed, or `on_hold` while the sender's payment is disputed (it cannot be redeemed for now); else `redeemed`, `pushed`, `shipped`, `delivered` or `canceled`.",
    }),
    brand: z.object({
      name: z.string(),
      primaryColor: z.string().openapi({ example: "#1a1a1a" }),
      accentColor: z.string().openapi({ example: "#008060" }),
      logoUrl: z.string().nullable().openapi({ description: "The brand's logo; null when it has none." }),
    }),
    welcomeText: z.string().nullable().openapi({ description: "The brand's welcome text; null when it wrote none." }),
    recipientName: z.string(),
    senderName: z.string().nullable(),
    message: z.string().nullable(),
    offerName: z.string(),
    expiresAt: z.string().openapi({ format: "date-time" }),
    choices: z.array(ChoiceSchema).openapi({ description: "What the recipient may choose, with stock now." }),
    shipsTo: z.union([z.array(z.string()), z.literal("anywhere")]).openapi({
      description: "Where the gift may ship (ISO 3166-1 alpha-2): the recipient's country as the buyer gave it (its shipping was paid), else the brand's countries, or `anywhere`.",
    }),
    redemption: z
      .object({
        redeemedAt: z.string().openapi({ format: "date-time" }),
        // A union, not `.nullable()`: a nullable reference is described as `allOf` with null, which
        // no null satisfies and which generated client types read as an always-empty object.
        choice: z.union([ChoiceSchema, z.null()]),
        shippingAddress: z
          .object({
            name: z.string(),
            company: z.string().optional(),
            line1: z.string(),
            line2: z.string().optional(),
            city: z.string(),
            region: z.string().optional(),
            postalCode: z.string().optional(),
            country: z.string().openapi({ description: "Two-letter ISO 3166-1 code, e.g. US." }),
            phone: z.string().optional(),
          })
          .nullable()
          .openapi({ description: "The address as the recipient gave it; optional fields they left blank are absent." }),
        tracking: z.object({ carrier: z.string().nullable(), number: z.string().nullable(), url: z.string().nullable() }).nullable(),
        addressEditable: z.boolean().openapi({
          description: "The recipient can still correct the address (`PUT /v1/redeem/gift/address`): the gift is not yet being ordered from the brand.",
        }),
        thankYou: z
          .object({ message: z.string(), sentAt: z.string().openapi({ format: "date-time" }) })
          .nullable()
          .openapi({ description: "The thank-you note the recipient sent the sender (`POST /v1/redeem/gift/thank-you`), once sent." }),
      })
      .strict()
      .nullable(),
  })
  .strict()
  .openapi("Gift");
