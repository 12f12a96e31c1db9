// POST /admin/api/{version}/graphql.json after authentication: parse and price the query, apply
// the single-query cost limit and the shop's throttle, run it against the shop (graphql.ts), and
// report its cost in extensions.cost as Shopify does.
import { bulkUrl, cancelBulk, startBulkQuery } from "./bulk-operations.ts";
import { publish, type StandInContext } from "./context.ts";
import { operationCost, prepare, run, SINGLE_QUERY_MAX_COST, type GqlContext } from "./graphql.ts";
import { HttpError } from "./http-error.ts";
import { createOrder, orderPayload } from "./orders.ts";
import { inventoryLevelPayload } from "./payloads.ts";
import type { ShopState, WebhookSubscription } from "./state.ts";
import { throttledAnswer, throttleStatus } from "./throttling.ts";

export interface GraphqlBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

/** What the resolvers of one shop reach: its data and the operations with effects (and their webhooks). */
export function graphqlContext(ctx: StandInContext, shop: ShopState, bulk: boolean): GqlContext {
  return {
    shop,
    baseUrl: ctx.baseUrl,
    bulk,
    runBulkQuery: (s, query) => startBulkQuery(ctx, s, query, (of) => graphqlContext(ctx, of, true)),
    cancelBulk,
    subscribe(s, topic, uri): WebhookSubscription {
      const sub = { id: 9_000_000 + ctx.seq++, topic, uri, createdAt: new Date() };
      s.subscriptions.push(sub);
      return sub;
    },
    bulkUrl: (op) => bulkUrl(ctx, op),
    createOrder(s, input, options) {
      const r = createOrder(s, s, input, options);
      if (r.order) {
        publish(ctx, s, "orders/create", orderPayload(r.order));
        for (const v of r.changedVariants) publish(ctx, s, "inventory_levels/update", inventoryLevelPayload(s, v));
      }
      return r;
    },
  };
}

function maxCostExceeded(cost: number) {
  return {
    errors: [
      {
        message: `Query cost is ${cost}, which exceeds the single query max cost limit (${SINGLE_QUERY_MAX_COST}).\n\nSee https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\ncost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\nSee https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n`,
        extensions: { code: "MAX_COST_EXCEEDED", cost, maxCost: SINGLE_QUERY_MAX_COST, documentation: "https://shopify.dev/api/usage/rate-limits" },
      },
    ],
  };
}

/** The answer to one Admin GraphQL request of a shop (errors in the body, as Shopify answers them). */
export async function answerGraphql(ctx: StandInContext, shop: ShopState, body: GraphqlBody) {
  if (typeof body.query !== "string" || !body.query.trim()) {
    throw new HttpError(400, { errors: { query: "Required parameter missing or invalid" } });
  }
  const prepared = prepare(body.query, (body.variables as Record<string, unknown> | undefined) ?? undefined, (body.operationName as string | undefined) ?? undefined);
  if (!prepared.ok) return { errors: prepared.errors };
  const p = prepared.prepared;
  if (p.requestedCost > SINGLE_QUERY_MAX_COST) return maxCostExceeded(p.requestedCost);
  const before = throttleStatus(ctx, shop);
  if (ctx.throttle && p.requestedCost > shop.bucket.available) return throttledAnswer(p.requestedCost, before);
  const result = await run(p, graphqlContext(ctx, shop, false));
  const actual = result.data ? operationCost(p.doc, p.op, p.variables, result.data) : p.requestedCost;
  if (ctx.throttle) shop.bucket.available -= actual;
  return { ...result, extensions: { cost: { requestedQueryCost: p.requestedCost, actualQueryCost: actual, throttleStatus: throttleStatus(ctx, shop) } } };
}
