// Shopify's cost-based throttling: a bucket per shop that refills at `restoreRate` points a
// second up to `maximumAvailable`; a query is refused when its requested cost exceeds what the
// bucket holds, and takes its actual cost from it.
import type { StandInContext } from "./context.ts";
import type { ShopState } from "./state.ts";
import type { Throttle } from "./types.ts";

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export const DEFAULT_THROTTLE: Throttle = { maximumAvailable: 2000, restoreRate: 100 };

/** Refills the shop's bucket for the time passed and reports it (extensions.cost.throttleStatus). */
export function throttleStatus(ctx: StandInContext, shop: ShopState): ThrottleStatus {
  const throttle = ctx.throttle;
  if (!throttle) return { maximumAvailable: 2000, currentlyAvailable: 2000, restoreRate: 100 };
  const now = Date.now();
  shop.bucket.available = Math.min(throttle.maximumAvailable, shop.bucket.available + ((now - shop.bucket.at) / 1000) * throttle.restoreRate);
  shop.bucket.at = now;
  return { maximumAvailable: throttle.maximumAvailable, currentlyAvailable: Math.floor(shop.bucket.available), restoreRate: throttle.restoreRate };
}

/** Changes the throttle and fills every shop's bucket to the new maximum. */
export function setThrottle(ctx: StandInContext, t: Throttle | false): void {
  ctx.throttle = t;
  for (const s of ctx.shops.values()) s.bucket = { available: t ? t.maximumAvailable : 0, at: Date.now() };
}

/** The THROTTLED error answer. */
export function throttledAnswer(requestedQueryCost: number, status: ThrottleStatus) {
  return {
    errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
    extensions: { cost: { requestedQueryCost, actualQueryCost: null, throttleStatus: status } },
  };
}
