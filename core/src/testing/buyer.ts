import { buyerContext, type BuyerContext, type BuyerPrincipal } from "../buyers/buyer-context.ts";
import type { Deps } from "../platform/deps.ts";

/** A buyer's use-case context for tests and benchmarks: the organisation (and its key) as the edge would resolve it. */
export function asBuyer(deps: Pick<Deps, "db" | "log">, principal: BuyerPrincipal): BuyerContext {
  return buyerContext({ db: deps.db, principal, log: deps.log });
}
