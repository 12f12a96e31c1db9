import type { components } from "../api-schema";

/**
 * The console's calls to /v1/finance (same origin, the staff session cookie; CSRF token on
 * writes). Answers are typed from the core's OpenAPI document (api-schema.d.ts, generated).
 */
export type Schemas = components["schemas"];
let csrf = "";

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors?: Array<{ path: string; message: string }>,
  ) {
    super(message);
  }
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`/v1/finance${path}`, {
    method,
    credentials: "same-origin",
    headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...(method !== "GET" ? { "x-csrf-token": csrf } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const data = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) throw new ApiProblem(res.status, String(data.code ?? "error"), String(data.detail ?? data.title ?? `HTTP ${res.status}`), Array.isArray(data.errors) ? (data.errors as Array<{ path: string; message: string }>) : undefined);
  return data as T;
}

export type Me = Schemas["FinanceStaff"];

export async function loadMe(): Promise<Me | null> {
  try {
    const me = await api<Me>("GET", "/me");
    csrf = me.csrfToken;
    return me;
  } catch (e) {
    if (e instanceof ApiProblem && e.status === 401) return null;
    throw e;
  }
}

export function money(minor: number, currency: string): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(minor / 100);
}
