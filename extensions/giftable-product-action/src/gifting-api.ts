import type { components, paths } from "./api-schema";

/**
 * The action's calls to the app: read a product's gifting state, and change it. The core
 * answers 404 for a product it has not synced for this shop (or another shop's), 409 when
 * the offer changed meanwhile or is archived, 422 for a change it cannot make. Paths and
 * shapes are the core's (api-schema.d.ts, generated from the core's OpenAPI document).
 */
export type GiftingState = components["schemas"]["ExtensionProductGifting"];
export type GiftableInput = components["schemas"]["ExtensionGiftableInput"];
type ProblemBody = components["schemas"]["Problem"];

export type ApiResult<T> = { ok: true; value: T } | { ok: false; status: number; message: string };
export type FetchLike = (
  url: string,
  init: { method?: string; headers: Record<string, string>; body?: string },
) => Promise<{ status: number; json(): Promise<unknown> }>;

export interface GiftingClient {
  fetch: FetchLike;
  idToken: () => Promise<string | null>;
  baseUrl?: string;
}

const productPath = (productId: string, path: keyof paths) => path.replace("{id}", encodeURIComponent(productId));

async function call<T>(c: GiftingClient, method: "GET" | "POST", path: string, body?: unknown): Promise<ApiResult<T>> {
  try {
    const token = await c.idToken();
    const headers: Record<string, string> = { accept: "application/json" };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await c.fetch(`${c.baseUrl ?? ""}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const json = (await res.json()) as T & Partial<Pick<ProblemBody, "detail" | "title">>;
    if (res.status === 200) return { ok: true, value: json };
    const message =
      res.status === 404 ? "Giftloop has not synced this product yet (or it belongs to another shop)." : (json.detail ?? json.title ?? `The app answered ${res.status}.`);
    return { ok: false, status: res.status, message };
  } catch (err) {
    return { ok: false, status: 0, message: err instanceof Error ? err.message : "The app could not be reached." };
  }
}

export const getGifting = (c: GiftingClient, productId: string) => call<GiftingState>(c, "GET", productPath(productId, "/v1/vendor/products/{id}/gifting"));
export const setGiftable = (c: GiftingClient, productId: string, input: GiftableInput) =>
  call<GiftingState>(c, "POST", productPath(productId, "/v1/vendor/products/{id}/giftable"), input);
