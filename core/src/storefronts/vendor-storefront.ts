import { randomUUID } from "node:crypto";
import { z } from "@hono/zod-openapi";
import type { FileStorage } from "../platform/storage/storage.ts";
import type { FieldError } from "../platform/field-error.ts";
import { refuse, type Outcome, type VendorContext } from "../platform/use-case.ts";
import { isUniqueViolation } from "../platform/db/errors.ts";
import { COUNTRY_MESSAGE, isCountryCode } from "../platform/countries.ts";

/** What a storefront use case can refuse, with the status the REST routes answer for each. */
export const STOREFRONT_REFUSAL_STATUS = {
  invalid_storefront: 422,
  slug_taken: 409,
  unsupported_logo_type: 415,
  empty_logo: 422,
  logo_too_large: 413,
  logo_not_an_image: 422,
  no_storefront: 409,
  invalid_shipping_rules: 422,
} as const;
export type StorefrontRefusal = keyof typeof STOREFRONT_REFUSAL_STATUS;

/**
 * The brand's side of its storefront: branding, which offers it shows (with per-storefront
 * prices), its logo, and where it ships at what rate. One storefront per brand for now;
 * the data model allows more.
 */
const hex = z.string().regex(/^#[0-9a-fA-F]{6}$/, "must be a colour like #1a2b3c");

export const StorefrontInput = z
  .object({
    name: z.string().trim().min(1).max(120),
    slug: z.string().trim().toLowerCase().regex(/^[a-z0-9](?:[a-z0-9-]{1,48}[a-z0-9])$/, "3–50 lowercase letters, digits and dashes"),
    primaryColor: hex,
    accentColor: hex,
    welcomeText: z.string().trim().max(2000).default(""),
    active: z.boolean().default(true),
    offers: z
      .array(z.object({ offerId: z.uuid(), priceOverrideAmount: z.number().int().min(1).max(100_000_000).nullable().optional() }).strict())
      .max(100)
      .default([]),
  })
  .strict()
  .openapi("StorefrontSettings");
export type StorefrontInput = z.infer<typeof StorefrontInput>;

export const ShippingRulesInput = z
  .object({
    rules: z
      .array(
        z.object({
          country: z.string().trim().toUpperCase().refine((c) => c === "*" || isCountryCode(c), `${COUNTRY_MESSAGE}, or * for everywhere else`),
          rateAmount: z.number().int().min(0).max(10_000_000).openapi({ description: "Per recipient, minor units of the brand's currency." }),
        })
        .strict(),
      )
      .max(250),
  })
  .strict()
  .openapi("ShippingRules");

export interface VendorStorefront {
  id: string;
  slug: string;
  name: string;
  primaryColor: string;
  accentColor: string;
  welcomeText: string;
  active: boolean;
  hasLogo: boolean;
  offers: Array<{ offerId: string; position: number; priceOverrideAmount: number | null }>;
}

export async function getVendorStorefront(ctx: VendorContext): Promise<VendorStorefront | undefined> {
  const sf = await ctx.db.prisma.storefront.findFirst({
    orderBy: { createdAt: "asc" },
    include: { offers: { orderBy: { position: "asc" } } },
  });
  if (!sf) return undefined;
  return {
    id: sf.id,
    slug: sf.slug,
    name: sf.name,
    primaryColor: sf.primaryColor,
    accentColor: sf.accentColor,
    welcomeText: sf.welcomeText,
    active: sf.active,
    hasLogo: sf.logoKey !== null,
    offers: sf.offers.map((o) => ({ offerId: o.offerId, position: o.position, priceOverrideAmount: o.priceOverrideAmount })),
  };
}

/** Creates the brand's storefront or replaces its settings and offer list, in one transaction. */
export async function saveStorefront(ctx: VendorContext, input: StorefrontInput): Promise<Outcome<{ storefront: VendorStorefront }, StorefrontRefusal>> {
  const { db } = ctx;
  const { vendorId } = ctx.tenant;
  const offerIds = input.offers.map((o) => o.offerId);
  const mine = new Set(
    (await db.prisma.giftOffer.findMany({ where: { vendorId, id: { in: offerIds } }, select: { id: true } })).map((o) => o.id),
  );
  const errors: FieldError[] = [];
  input.offers.forEach((o, i) => {
    if (!mine.has(o.offerId)) errors.push({ in: "body", path: `offers.${i}.offerId`, pointer: `/offers/${i}/offerId`, code: "unknown_offer", message: "This brand has no offer with this id." });
    if (offerIds.indexOf(o.offerId) !== i) errors.push({ in: "body", path: `offers.${i}.offerId`, pointer: `/offers/${i}/offerId`, code: "duplicate_offer", message: "This offer is listed twice." });
  });
  if (errors.length) return refuse("invalid_storefront", "Some offers cannot be shown; see errors.", { errors });
  const data = {
    name: input.name,
    slug: input.slug,
    primaryColor: input.primaryColor.toLowerCase(),
    accentColor: input.accentColor.toLowerCase(),
    welcomeText: input.welcomeText,
    active: input.active,
  };
  try {
    await db.prisma.$transaction(async (tx) => {
      const existing = await tx.storefront.findFirst({ where: { vendorId }, orderBy: { createdAt: "asc" }, select: { id: true } });
      const sf = existing
        ? await tx.storefront.update({ where: { id: existing.id }, data })
        : await tx.storefront.create({ data: { ...data, vendorId } });
      await tx.storefrontOffer.deleteMany({ where: { storefrontId: sf.id } });
      await tx.storefrontOffer.createMany({
        data: input.offers.map((o, position) => ({ storefrontId: sf.id, offerId: o.offerId, position, priceOverrideAmount: o.priceOverrideAmount ?? null })),
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      return refuse("slug_taken", `The address "${input.slug}" is taken; choose another.`, { errors: [{ in: "body", path: "slug", pointer: "/slug", code: "slug_taken", message: "is taken" }] });
    }
    throw err;
  }
  return { ok: true, storefront: (await getVendorStorefront(ctx))! };
}

const LOGO_TYPES: Record<string, { ext: string; magic: (b: Buffer) => boolean }> = {
  "image/png": { ext: "png", magic: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  "image/jpeg": { ext: "jpg", magic: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  "image/webp": { ext: "webp", magic: (b) => b.subarray(0, 4).toString("latin1") === "RIFF" && b.subarray(8, 12).toString("latin1") === "WEBP" },
};
export const LOGO_MAX_BYTES = 2 * 1024 * 1024;
export const LOGO_CONTENT_TYPES = Object.keys(LOGO_TYPES);

/**
 * Stores a new logo (PNG, JPEG or WebP up to 2 MB, checked by its bytes, not only its
 * declared type) and points the storefront at it. SVG is refused: it can carry script.
 */
export async function setStorefrontLogo(
  ctx: VendorContext,
  storage: FileStorage,
  file: { bytes: Buffer; contentType: string },
): Promise<Outcome<object, StorefrontRefusal>> {
  const { vendorId } = ctx.tenant;
  const type = LOGO_TYPES[file.contentType.split(";")[0]!.trim().toLowerCase()];
  if (!type) return refuse("unsupported_logo_type", `A logo must be ${LOGO_CONTENT_TYPES.join(", ")}.`);
  if (file.bytes.length === 0) return refuse("empty_logo", "The logo file is empty.");
  if (file.bytes.length > LOGO_MAX_BYTES) return refuse("logo_too_large", "A logo can be at most 2 MB.");
  if (!type.magic(file.bytes)) return refuse("logo_not_an_image", `The file is not a ${file.contentType} image.`);
  const sf = await ctx.db.prisma.storefront.findFirst({ where: { vendorId }, orderBy: { createdAt: "asc" } });
  if (!sf) return refuse("no_storefront", "Save the storefront's settings before adding a logo.");
  const key = `logos/${vendorId}/${randomUUID()}.${type.ext}`;
  await storage.put(key, file.bytes, { contentType: file.contentType });
  await ctx.db.prisma.storefront.update({ where: { id: sf.id }, data: { logoKey: key } });
  if (sf.logoKey) await storage.delete(sf.logoKey).catch(() => undefined);
  return { ok: true };
}

export interface ShippingRuleView {
  country: string;
  rateAmount: number;
  currency: string;
}

export async function listShippingRules(ctx: VendorContext): Promise<ShippingRuleView[]> {
  const rows = await ctx.db.prisma.shippingRule.findMany({ orderBy: { country: "asc" } });
  return rows.map((r) => ({ country: r.country, rateAmount: r.rateAmount, currency: r.currency }));
}

/** Replaces the brand's shipping rules (in its currency) in one transaction. */
export async function setShippingRules(
  ctx: VendorContext,
  rules: z.infer<typeof ShippingRulesInput>["rules"],
): Promise<Outcome<{ rules: ShippingRuleView[] }, StorefrontRefusal>> {
  const { db } = ctx;
  const { vendorId } = ctx.tenant;
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  rules.forEach((r, i) => {
    if (seen.has(r.country)) errors.push({ in: "body", path: `rules.${i}.country`, pointer: `/rules/${i}/country`, code: "duplicate_country", message: `${r.country} is listed twice.` });
    seen.add(r.country);
  });
  if (errors.length) return refuse("invalid_shipping_rules", "Each country can have one rate.", { errors });
  const { currency } = await db.prisma.vendor.findUniqueOrThrow({ where: { id: vendorId }, select: { currency: true } });
  await db.prisma.$transaction([
    db.prisma.shippingRule.deleteMany({ where: { vendorId } }),
    db.prisma.shippingRule.createMany({ data: rules.map((r) => ({ vendorId, country: r.country, rateAmount: r.rateAmount, currency })) }),
  ]);
  return { ok: true, rules: await listShippingRules(ctx) };
}
