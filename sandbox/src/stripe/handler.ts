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
}

export interface Reply {
  status?: number;
  body: unknown;
}

export type Handler = (ctx: Ctx) => Reply;

/** An object as the API returns it: a copy, with the request's `expand[]` applied. */
export function reply(ctx: Ctx, obj: object, status = 200): Reply {
  return { status, body: render(obj, strings(ctx.params, "expand"), (id) => ctx.state.find(id)) };
}
