import { RequestedTokenType } from "@shopify/shopify-api";
import type { ShopifyStandIn } from "@giftloop/sandbox/shopify/server";
import { createBuyerOrg } from "../../buyers/buyers.service.ts";
import { asPlatform } from "../../testing/deps.ts";
import { jobRegistry } from "../../jobs/jobs.registry.ts";
import { JobRegistry, type JobDefinition } from "../../jobs/registry.ts";
import { createOrder } from "../../orders/create-order.ts";
import { splitOrder } from "../../orders/split-order.ts";
import type { Deps } from "../../platform/deps.ts";
import type { Seeded } from "../../testing/seed.ts";
import { asBuyer } from "../../testing/buyer.ts";

/** Helpers shared by the push and back-flow tests and the push benchmark. */

/** The product's registry with some definitions replaced (e.g. a push job with a fast backoff). */
export function registryWith(...replacements: JobDefinition<{ unitId: string }>[]): JobRegistry {
  const base = jobRegistry();
  const replaced = new Set(replacements.map((d) => d.type));
  const defs = base.types().filter((t) => !replaced.has(t)).map((t) => base.get(t)!);
  return new JobRegistry([...defs, ...replacements]);
}

/** Installs the app on `shop` as the embedded app does (token exchange, offline session stored). */
export async function installShop(deps: Pick<Deps, "shopify">, standIn: ShopifyStandIn, shop: string): Promise<void> {
  const sessionToken = standIn.mintSessionToken(shop);
  const { session } = await deps.shopify.api.auth.tokenExchange({ shop, sessionToken, requestedTokenType: RequestedTokenType.OfflineAccessToken });
  await deps.shopify.sessionStorage.storeSession(session);
}

/**
 * Makes the seeded catalog real in the stand-in: one stand-in product per seeded product
 * variant, and the mirror's variant rows point at them (so orderCreate finds them).
 */
export async function mirrorSeedInStandIn(deps: Pick<Deps, "db">, standIn: ShopifyStandIn, shop: string, s: Seeded, stock = 1000): Promise<Record<string, number>> {
  const inventoryItems: Record<string, number> = {};
  for (const [name, variantId] of Object.entries(s.variants)) {
    const v = await deps.db.prisma.variant.findUniqueOrThrow({ where: { id: variantId } });
    const p = standIn.createProduct(shop, { title: name.split(":")[0]!, price: (v.priceAmount / 100).toFixed(2) });
    const sv = p.variants[0]!;
    standIn.updateProduct(shop, p.id, { variants: [{ id: sv.id, inventoryQuantity: stock }] });
    await deps.db.prisma.variant.update({ where: { id: variantId }, data: { shopifyId: `gid://shopify/ProductVariant/${sv.id}`, inventoryQuantity: stock } });
    inventoryItems[name] = sv.inventoryItemId;
  }
  return inventoryItems;
}

export async function buyer(deps: Pick<Deps, "db" | "log">) {
  const org = await createBuyerOrg(asPlatform(deps), { name: "Acme", email: `ap-${Math.random().toString(36).slice(2, 8)}@acme.test` });
  return { buyerOrgId: org.id, apiKeyId: org.apiKey.id };
}

/** A paid order of `n` recipients of `offerId`: its units' ids. */
export async function paidUnits(deps: Deps, b: { buyerOrgId: string; apiKeyId: string }, s: Seeded, offerId: string, n: number, tag = "r"): Promise<string[]> {
  const created = await createOrder(asBuyer(deps, b), deps, {
    storefront: s.storefrontSlug,
    offerId,
    recipients: Array.from({ length: n }, (_, i) => ({ name: `Recipient ${tag}${i}`, email: `${tag}${i}@example.test`, country: "US", message: `Thanks for everything, ${tag}${i}!` })),
  });
  if (!created.ok) throw new Error(JSON.stringify(created));
  const pi = `pi_test_${created.orderId.replace(/-/g, "").slice(0, 16)}`;
  await deps.db.prisma.giftOrder.update({ where: { id: created.orderId }, data: { stripePaymentIntentId: pi } });
  await splitOrder(deps, { paymentIntentId: pi, amount: created.quote.totalAmount, currency: "usd" });
  const units = await deps.db.prisma.fulfillmentUnit.findMany({ where: { orderId: created.orderId }, orderBy: { recipientId: "asc" } });
  return units.map((u) => u.id);
}

export const testAddress = (name: string) => ({ name, line1: "1 Main St", line2: "Apt 4", city: "Springfield", region: "IL", postalCode: "62701", country: "US" });
