/**
 * The block's one call to the app: the gift units behind a Shopify order. The core answers
 * 404 for orders Giftloop did not create in this shop, which the block shows as "not a gift".
 * `fetch` and the session token are passed in, so tests run it without an admin.
 */
export interface GiftUnitDto {
  id: string;
  status: string;
  recipientName: string;
  message: string | null;
  giftOrderId: string;
  redeemedAt: string | null;
  shippedAt: string | null;
  tracking: { carrier: string | null; number: string | null; url: string | null };
  appPath: string;
}

export type GiftLookup =
  | { kind: "gift"; shopifyOrderId: string; units: GiftUnitDto[] }
  | { kind: "not_a_gift" }
  | { kind: "error"; message: string };

export type FetchLike = (url: string, init: { headers: Record<string, string> }) => Promise<{ status: number; json(): Promise<unknown> }>;

export function giftLookupPath(orderId: string): string {
  return `/v1/vendor/units/by-shopify-order/${encodeURIComponent(orderId)}`;
}

export async function lookupGift(opts: { fetch: FetchLike; idToken: () => Promise<string | null>; orderId: string; baseUrl?: string }): Promise<GiftLookup> {
  try {
    const token = await opts.idToken();
    const headers: Record<string, string> = { accept: "application/json" };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await opts.fetch(`${opts.baseUrl ?? ""}${giftLookupPath(opts.orderId)}`, { headers });
    if (res.status === 404) return { kind: "not_a_gift" };
    const body = (await res.json()) as { shopifyOrderId?: string; units?: GiftUnitDto[]; detail?: string; title?: string };
    if (res.status !== 200 || !Array.isArray(body.units)) {
      return { kind: "error", message: body.detail ?? body.title ?? `The app answered ${res.status}.` };
    }
    return { kind: "gift", shopifyOrderId: body.shopifyOrderId ?? opts.orderId, units: body.units };
  } catch (err) {
    return { kind: "error", message: err instanceof Error ? err.message : "The app could not be reached." };
  }
}
