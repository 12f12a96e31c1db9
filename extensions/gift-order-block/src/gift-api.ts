import type { components, paths } from "./api-schema";

/**
 * The block's one call to the app: the gift units behind a Shopify order. The core answers
 * 404 for orders Giftloop did not create in this shop, which the block shows as "not a gift".
 * `fetch` and the session token are passed in, so tests run it without an admin. Its path
 * and shapes are the core's (api-schema.d.ts, generated from the core's OpenAPI document).
 */
const LOOKUP_PATH = "/v1/vendor/units/by-shopify-order/{id}" satisfies keyof paths;
type LookupAnswer = paths[typeof LOOKUP_PATH]["get"]["responses"][200]["content"]["application/json"];
type ProblemBody = components["schemas"]["Problem"];

export type GiftUnitDto = components["schemas"]["ExtensionGiftUnit"];

export type GiftLookup =
  | { kind: "gift"; shopifyOrderId: string; units: GiftUnitDto[] }
  | { kind: "not_a_gift" }
  | { kind: "error"; message: string };

export type FetchLike = (url: string, init: { headers: Record<string, string> }) => Promise<{ status: number; json(): Promise<unknown> }>;

export function giftLookupPath(orderId: string): string {
  return LOOKUP_PATH.replace("{id}", encodeURIComponent(orderId));
}

export async function lookupGift(opts: { fetch: FetchLike; idToken: () => Promise<string | null>; orderId: string; baseUrl?: string }): Promise<GiftLookup> {
  try {
    const token = await opts.idToken();
    const headers: Record<string, string> = { accept: "application/json" };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await opts.fetch(`${opts.baseUrl ?? ""}${giftLookupPath(opts.orderId)}`, { headers });
    if (res.status === 404) return { kind: "not_a_gift" };
    const body = (await res.json()) as Partial<LookupAnswer> & Partial<Pick<ProblemBody, "detail" | "title">>;
    if (res.status !== 200 || !Array.isArray(body.units)) {
      return { kind: "error", message: body.detail ?? body.title ?? `The app answered ${res.status}.` };
    }
    return { kind: "gift", shopifyOrderId: body.shopifyOrderId ?? opts.orderId, units: body.units };
  } catch (err) {
    return { kind: "error", message: err instanceof Error ? err.message : "The app could not be reached." };
  }
}
