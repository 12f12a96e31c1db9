import type { SOrder } from "./orders.ts";
import { HttpError } from "./http-error.ts";
import type { BulkOperation, ShopState } from "./state.ts";
import type { Faults, ShopifyStandIn, Throttle } from "./types.ts";
import type { WebhookDelivery, WebhookEmitter } from "./webhooks.ts";

/**
 * One running Shopify stand-in: its app's credentials, its shops, and the settings that tests
 * and sandbox controls change while it runs. Every part of the stand-in (GraphQL, OAuth, catalog
 * and order changes, controls, the HTTP router) works on this object, so two stand-ins in one
 * process share nothing.
 */
export interface StandInContext {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly apiVersion: string;
  /** Scopes granted by a token exchange (and by default to tokens issued by controls). */
  readonly scopes: string;
  readonly log: (line: string) => void;
  /** Delay before a bulk operation starts running. */
  readonly bulkDelayMs: number;
  readonly shops: Map<string, ShopState>;
  /** Completed bulk operations by the token of their result file's URL. */
  readonly bulkFiles: Map<string, BulkOperation>;
  /** Authorization codes of the code grant, until exchanged or expired. */
  readonly authorizationCodes: Map<string, { shop: string; scope: string; expires: number }>;
  readonly emitter: WebhookEmitter;
  /** Cost bucket per shop; false: no throttling (costs are still reported). */
  throttle: Throttle | false;
  /** App-level webhook URL: every topic of every shop is POSTed here. */
  appWebhookUrl: string | null;
  faults: Faults;
  readonly faultCounts: ShopifyStandIn["faultCounts"];
  /** e.g. "http://127.0.0.1:43121", known once the server listens. */
  baseUrl: string;
  /** Shared sequence of bulk operation and webhook subscription ids. */
  seq: number;
  nextRefundId: number;
}

/** The shop on this domain, or a 404 answer. */
export function shopOf(ctx: StandInContext, domain: string): ShopState {
  const s = ctx.shops.get(domain);
  if (!s) throw new HttpError(404, { errors: "Not Found" });
  return s;
}

/** The order of a shop by numeric id or gid, or a 404 answer. */
export function orderOf(ctx: StandInContext, domain: string, orderId: number | string): [ShopState, SOrder] {
  const shop = shopOf(ctx, domain);
  const n = typeof orderId === "number" ? orderId : Number(/(\d+)$/.exec(orderId)?.[1]);
  const o = shop.orders.get(n);
  if (!o) throw new HttpError(404, { errors: "Not Found" });
  return [shop, o];
}

function webhookTargets(ctx: StandInContext, shop: ShopState, topic: string): string[] {
  const urls = new Set(shop.subscriptions.filter((s) => s.topic === topic).map((s) => s.uri));
  if (ctx.appWebhookUrl) urls.add(ctx.appWebhookUrl);
  return [...urls];
}

/** Sends a webhook of `topic` to the shop's subscriptions for it and to the app-level URL. */
export function publish(ctx: StandInContext, shop: ShopState, topic: string, payload: unknown): WebhookDelivery[] {
  return webhookTargets(ctx, shop, topic).map((url) => ctx.emitter.emit(shop.domain, topic, url, payload));
}
