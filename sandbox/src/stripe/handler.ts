import { render } from "./expand.ts";
import type { ParamMap } from "./form.ts";
import { strings } from "./params.ts";
import type { Cause, StripeState } from "./state.ts";

/** What every endpoint handler gets. Handlers are synchronous: one request's changes never interleave with another's. */
export interface Ctx {
  state: StripeState;
  params: ParamMap;
  path: Record<string, string>;
  cause: Cause;
  /** The request's Stripe-Version (or the stand-in's default): some parameters depend on it. */
  apiVersion: string;
  /** The account the request acts as: `PLATFORM`, or the connected account named by `Stripe-Account`. */
  account: string;
  /** The request's API key ("" for pages and sandbox controls), for Stripe's error messages. */
  apiKey: string;
}

export interface Reply {
  status?: number;
  body: unknown;
  /** Extra response headers (e.g. `Location`). */
  headers?: Record<string, string>;
  /** Set for pages: `body` is then sent as is, not as JSON. */
  contentType?: string;
}

export type Handler = (ctx: Ctx) => Reply;

/** Which routes accept `Stripe-Account`: those whose objects a connected account has. */
export interface RouteOptions {
  connect?: boolean;
}

export type RouteDef = [method: string, path: string, handler: Handler, options?: RouteOptions];

/** An object as the API returns it: a copy, with the request's `expand[]` applied. */
export function reply(ctx: Ctx, obj: object, status = 200): Reply {
  return { status, body: render(obj, strings(ctx.params, "expand"), (id) => ctx.state.findFor(id, ctx.account)) };
}

export function html(body: string, status = 200): Reply {
  return { status, body, contentType: "text/html; charset=utf-8" };
}

export function redirect(location: string, status = 303): Reply {
  return { status, body: "", headers: { Location: location }, contentType: "text/plain; charset=utf-8" };
}
