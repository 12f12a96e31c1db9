import createClient, { type Middleware } from "openapi-fetch";
import type { paths, components } from "../../api-schema";

/**
 * The buyer app's API client: typed from the core's OpenAPI document (schema.d.ts, generated),
 * same origin, authenticated by the session cookie. Writes carry the session's CSRF token.
 */
export type Schemas = components["schemas"];
export type Storefront = Schemas["Storefront"];
export type Offer = Schemas["Offer"];
export type Quote = Schemas["Quote"];
export type Order = Schemas["Order"];
export type Session = Schemas["BuyerSession"];

export interface Problem {
  status: number;
  code: string;
  title?: string;
  detail?: string;
  errors?: Array<{ path: string; pointer: string; code: string; message: string }>;
  rows?: Array<{ row: number; field: string; code: string; message: string }>;
  [k: string]: unknown;
}

let csrfToken = "";
export const setCsrfToken = (t: string) => {
  csrfToken = t;
};

const csrf: Middleware = {
  onRequest({ request }) {
    if (request.method !== "GET" && request.method !== "HEAD" && csrfToken) request.headers.set("x-csrf-token", csrfToken);
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: "/", credentials: "same-origin" });
api.use(csrf);

/** A problem body from an error answer (or a network failure as one). */
export function asProblem(error: unknown, response?: Response): Problem {
  const e = (error ?? {}) as Partial<Problem>;
  return { ...e, status: response?.status ?? 0, code: e.code ?? (response ? "error" : "network"), detail: e.detail ?? (response ? undefined : "We could not reach the server. Check your connection and try again.") } as Problem;
}

/** Raw fetch for non-JSON answers (CSV, PDF), with the same cookie and CSRF header. */
export async function download(path: string, filename: string): Promise<Problem | null> {
  const res = await fetch(path, { credentials: "same-origin" });
  if (!res.ok) return asProblem(await res.json().catch(() => ({})), res);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  return null;
}

export function money(amount: number, currency: string): string {
  return new Intl.NumberFormat(undefined, { style: "currency", currency }).format(amount / 10 ** fractionDigits(currency));
}

function fractionDigits(currency: string): number {
  return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}
