import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireVendor } from "../context.server.ts";
import { listProducts } from "../../../core/src/catalog/catalog.queries.ts";

/** Giftable products matching a search, for the offer form's product picker (JSON). */
export const loader = async (args: LoaderFunctionArgs) => {
  const { deps, vendorId } = await requireVendor(args);
  const q = new URL(args.request.url).searchParams.get("q") ?? "";
  const page = await listProducts(deps, vendorId, { query: q.slice(0, 100), giftable: true, limit: 20 });
  return {
    products: page.items.map((p) => ({
      id: p.id,
      title: p.title,
      imageUrl: p.imageUrl,
      variantCount: p.variantCount,
      inStock: p.inStock,
      minPrice: p.minPrice,
      currency: p.currency,
    })),
    total: page.total,
  };
};
