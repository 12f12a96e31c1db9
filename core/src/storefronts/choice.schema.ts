import { z } from "@hono/zod-openapi";

/** The API description of a `Choice` (offer-choices.ts): what a recipient can pick. */
export const ChoiceSchema = z
  .object({
    variantId: z.uuid(),
    productId: z.uuid(),
    productTitle: z.string(),
    variantTitle: z.string(),
    options: z.array(z.object({ name: z.string(), value: z.string() })),
    imageUrl: z.string().nullable(),
    available: z.number().int().nullable().openapi({ description: "Units available; null = not tracked (unlimited)." }),
  })
  .openapi("Choice");
