import type { AddressDraft, Gift, Problem } from "./gift-types.ts";

/**
 * The recipient API of the core, same origin. The recipient token lives in sessionStorage
 * (this tab only, gone when it closes); the gift code itself is never stored: the page
 * keeps it in memory only, to open a new session when the token expires (30 minutes).
 */
const TOKEN_KEY = "giftloop.recipient-token";

export type Result<T> = { ok: true; value: T } | { ok: false; problem: Problem };

/** Seconds from a Retry-After header (delta-seconds or an HTTP date). */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

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
  const retryAfter = retryAfterSeconds(res.headers.get("retry-after"));
  return {
    ok: false,
    problem: {
      status: res.status,
      code: data.code ?? "error",
      ...(data.title ? { title: data.title } : {}),
      ...(data.detail ? { detail: data.detail } : {}),
      ...(Array.isArray(data.errors) ? { errors: data.errors } : {}),
      ...(retryAfter !== undefined ? { retryAfter } : {}),
    },
  };
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

/** Every field is sent, blanks as empty strings: the core reports each problem by field. */
export function redeemGift(token: string, variantId: string, address: AddressDraft): Promise<Result<Gift>> {
  return call("POST", "/v1/redeem/gift/redeem", { variantId, address }, token);
}

export const isExpiredToken = (p: Problem) => p.status === 401 && p.code === "invalid_recipient_token";

/**
 * The recipient's session: a token, and the gift code when the page has it (from the gift
 * link or typed). `run` calls the API with the token; when the token has expired and the
 * code is known, it opens a new session with the code and tries once more.
 */
export class RecipientSession {
  constructor(
    public token: string,
    private readonly code: string | null,
    private readonly exchange: (code: string) => Promise<Result<{ token: string }>> = openGift,
  ) {}

  async run<T>(op: (token: string) => Promise<Result<T>>): Promise<Result<T>> {
    const first = await op(this.token);
    if (first.ok || !isExpiredToken(first.problem) || !this.code) return first;
    const fresh = await this.exchange(this.code);
    if (!fresh.ok) return first;
    this.token = fresh.value.token;
    tokenStore.set(this.token);
    return op(this.token);
  }
}
