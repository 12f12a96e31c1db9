import { XeroClient } from "xero-node";
import { readRateLimit, toXeroError, XeroUnavailable, type RateLimitState } from "./errors.ts";
import { elementErrors, type XeroModel } from "./mapping.ts";
import type { XeroAuth, XeroBatchResult, XeroItemResult, XeroResult } from "./types.ts";

/** xero-node's Accounting API, as a fresh client holding one token exposes it. */
export type AccountingApi = XeroClient["accountingApi"];
type AccountingAnswer = { response: { headers: unknown }; body: unknown };
/** One Accounting API request: the api and the organisation (Xero tenant) it is for. */
export type AccountingRequest = (api: AccountingApi, tenantId: string) => Promise<AccountingAnswer>;

/**
 * How every call leaves for Xero: with a deadline, errors typed, and for Accounting API calls
 * a fresh client per call (xero-node keeps the access token on shared objects) and the answer's
 * rate-limit headers read. The read and create helpers map an answer's list of models.
 */
export interface XeroCaller {
  /** Runs one xero-node call with a deadline, mapping whatever it throws. */
  guarded<T>(fn: () => Promise<T>): Promise<T>;
  /** An Accounting API call with a fresh client holding `auth`'s token. */
  api(auth: XeroAuth, request: AccountingRequest): Promise<{ body: XeroModel; rateLimit: RateLimitState }>;
  /** Every element of the answer's `key` list, mapped. */
  list<T>(auth: XeroAuth, request: AccountingRequest, key: string, map: (e: XeroModel) => T): Promise<XeroResult<T[]>>;
  /** The first element of the answer's `key` list, mapped (XeroNotFound when the list is empty). */
  one<T>(auth: XeroAuth, request: AccountingRequest, key: string, map: (e: XeroModel) => T): Promise<XeroResult<T>>;
  /** A `summarizeErrors=false` create: one result per element of the answer's `key` list, in request order. */
  batch<T>(auth: XeroAuth, request: AccountingRequest, key: string, map: (e: XeroModel, index: number) => T): Promise<XeroBatchResult<T>>;
}

export function xeroCaller(timeoutMs: number): XeroCaller {
  async function guarded<T>(fn: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const work = fn();
    work.catch(() => {}); // a late failure after the deadline is not unhandled
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new XeroUnavailable(`Xero did not answer within ${timeoutMs} ms`, 0)), timeoutMs);
    });
    try {
      return await Promise.race([work, deadline]);
    } catch (e) {
      throw toXeroError(e);
    } finally {
      clearTimeout(timer);
    }
  }

  async function api(auth: XeroAuth, request: AccountingRequest): Promise<{ body: XeroModel; rateLimit: RateLimitState }> {
    const xc = new XeroClient();
    xc.setTokenSet({ access_token: auth.accessToken });
    const answer = await guarded(() => request(xc.accountingApi, auth.tenantId));
    return { body: (answer.body ?? {}) as XeroModel, rateLimit: readRateLimit(answer.response.headers) };
  }

  return {
    guarded,
    api,
    async list(auth, request, key, map) {
      const r = await api(auth, request);
      return { value: listOf(r.body, key, map), rateLimit: r.rateLimit };
    },
    async one(auth, request, key, map) {
      const r = await api(auth, request);
      return { value: firstOf(listOf(r.body, key, map)), rateLimit: r.rateLimit };
    },
    async batch(auth, request, key, map) {
      const r = await api(auth, request);
      return { items: batchOf(r.body[key], map), rateLimit: r.rateLimit };
    },
  };
}

function listOf<T>(body: XeroModel, key: string, map: (e: XeroModel) => T): T[] {
  return ((body[key] as XeroModel[] | undefined) ?? []).map(map);
}

function firstOf<T>(items: T[]): T {
  const v = items[0];
  if (v === undefined) throw toXeroError({ response: { statusCode: 404, body: "empty answer" } });
  return v;
}

function batchOf<T>(elements: unknown, map: (e: XeroModel, index: number) => T): Array<XeroItemResult<T>> {
  return ((elements as XeroModel[] | undefined) ?? []).map((e, i) => {
    const messages = elementErrors(e);
    return messages.length ? { ok: false as const, messages } : { ok: true as const, value: map(e, i) };
  });
}
