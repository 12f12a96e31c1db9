import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireVendor } from "../context.server.ts";
import { offerableProducts } from "@giftloop/core/catalog/catalog.queries";

/**
 * The brand's products for the offer form (JSON): those Shopify's resource picker returned
 * (`shopifyId=gid://shopify/Product/…`, repeated), as Giftloop's catalog copy has them: our
 * ids, giftable or not, variants with stock. Products the copy does not have yet are absent.
 */
export const loader = async (args: LoaderFunctionArgs) => {
  const { ctx } = await requireVendor(args);
  const shopifyIds = new URL(args.request.url).searchParams.getAll("shopifyId").slice(0, 100);
  return { products: await offerableProducts(ctx, { shopifyIds }) };
};
