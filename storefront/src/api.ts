import createClient from "openapi-fetch";
import type { paths } from "./api-schema";
import type { AddressDraft, Gift, Problem, RecipientToken } from "./gift-types.ts";

/**
 * The recipient API of the core, same origin, typed from its OpenAPI document (api-schema.d.ts,
 * generated). The recipient token lives in sessionStorage (this tab only, gone when it
 * closes); the gift code itself is never stored: the page keeps it in memory only, to open a
 * new session when the token expires (30 minutes).
 */
const TOKEN_KEY = "giftloop.recipient-token";

const client = createClient<paths>({ baseUrl: "/", headers: { accept: "application/json" } });

export type Result<T> = { ok: true; value: T } | { ok: false; problem: Problem };

/** Seconds from a Retry-After header (delta-seconds or an HTTP date). */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** One call's answer as a result: the body, or the problem (with Retry-After) or the failure to reach the core. */
async function call<T>(send: () => Promise<{ data?: T; error?: unknown; response: Response }>): Promise<Result<T>> {
  let answer: Awaited<ReturnType<typeof send>>;
  try {
    answer = await send();
  } catch {
    return { ok: false, problem: { status: 0, code: "network", detail: "We could not reach the gift service. Check your connection and try again." } };
  }
  const { data, error, response: res } = answer;
  if (res.ok) return { ok: true, value: data as T };
  const body = (error && typeof error === "object" ? error : {}) as Partial<Problem>;
  const retryAfter = retryAfterSeconds(res.headers.get("retry-after"));
  return {
    ok: false,
    problem: {
      status: res.status,
      code: body.code ?? "error",
      ...(body.title ? { title: body.title } : {}),
      ...(body.detail ? { detail: body.detail } : {}),
      ...(Array.isArray(body.errors) ? { errors: body.errors } : {}),
      ...(retryAfter !== undefined ? { retryAfter } : {}),
    },
  };
}

export const tokenStore = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (t: string) => sessionStorage.setItem(TOKEN_KEY, t),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export function openGift(code: string): Promise<Result<RecipientToken>> {
  return call(() => client.POST("/v1/redeem/session", { body: { code } }));
}

export function loadGift(token: string): Promise<Result<Gift>> {
  return call(() => client.GET("/v1/redeem/gift", { headers: bearer(token) }));
}

/** Every field is sent, blanks as empty strings: the core reports each problem by field. */
export function redeemGift(token: string, variantId: string, address: AddressDraft): Promise<Result<Gift>> {
  return call(() => client.POST("/v1/redeem/gift/redeem", { headers: bearer(token), body: { variantId, address } }));
}

/** Corrects the address of a redeemed gift, until it is ordered from the brand (`already_ordered` after). */
export function correctAddress(token: string, address: AddressDraft): Promise<Result<Gift>> {
  return call(() => client.PUT("/v1/redeem/gift/address", { headers: bearer(token), body: { address } }));
}

/** Sends the sender a thank-you note (once, after redeeming). */
export function sendThankYou(token: string, message: string): Promise<Result<Gift>> {
  return call(() => client.POST("/v1/redeem/gift/thank-you", { headers: bearer(token), body: { message } }));
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
