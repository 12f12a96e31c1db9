import type { Address, Gift, Problem } from "./gift-types.ts";

/**
 * The recipient API of the core, same origin. The recipient token lives in sessionStorage
 * (this tab only, gone when it closes); the gift code itself is never stored.
 */
const TOKEN_KEY = "giftloop.recipient-token";

export type Result<T> = { ok: true; value: T } | { ok: false; problem: Problem };

async function call<T>(method: string, path: string, body?: unknown, token?: string | null): Promise<Result<T>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: {
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    return { ok: false, problem: { status: 0, code: "network", detail: "We could not reach the gift service. Check your connection and try again." } };
  }
  const data = (await res.json().catch(() => ({}))) as T & Partial<Problem>;
  if (res.ok) return { ok: true, value: data };
  return { ok: false, problem: { status: res.status, code: data.code ?? "error", detail: data.detail, errors: data.errors } };
}

export const tokenStore = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (t: string) => sessionStorage.setItem(TOKEN_KEY, t),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export function openGift(code: string): Promise<Result<{ token: string; expiresIn: number }>> {
  return call("POST", "/v1/redeem/session", { code });
}

export function loadGift(token: string): Promise<Result<Gift>> {
  return call("GET", "/v1/redeem/gift", undefined, token);
}

export function redeemGift(token: string, variantId: string, address: Address): Promise<Result<Gift>> {
  return call("POST", "/v1/redeem/gift/redeem", { variantId, address }, token);
}
