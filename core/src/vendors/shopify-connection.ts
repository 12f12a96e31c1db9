import { RequestedTokenType } from "@shopify/shopify-api";
import type { Deps } from "../platform/deps.ts";
import { vendorContext } from "../platform/use-case.ts";
import { accessRefusal, shopifyConnection, type ShopifyConnection } from "./connection-state.ts";
import { releaseConnectionHolds } from "../fulfillment/push/push-holds.ts";
import { resumeCatalogSync } from "../catalog/catalog.sync.ts";

/**
 * Mending a broken Shopify connection (connection-state.ts says when it breaks): the next
 * load of the embedded app exchanges its session token for a fresh access token
 * (`reconnectShop`); if Shopify accepts it, everything held resumes (`restoreConnection`).
 */
export { accessRefusal, markConnectionBroken, shopifyConnection, type ShopifyConnection } from "./connection-state.ts";

export interface RestoreOutcome {
  restored: boolean;
  /** Units whose held push was enqueued again. */
  pushesResumed: string[];
  /** The catalog sync started again, when the last one stopped on the broken connection. */
  syncId: string | null;
}

/**
 * After Shopify accepted a fresh token: the connection is mended, held pushes are enqueued
 * again (in the same transaction) and a catalog sync that stopped on the broken connection
 * starts again. Safe to run twice: only the first finds it broken.
 */
export async function restoreConnection(deps: Pick<Deps, "db" | "jobs" | "log">, vendorId: string): Promise<RestoreOutcome> {
  const released = await deps.db.transaction(async (tx) => {
    const [v] = await tx.query<{ at: Date | string }>(
      `WITH was AS (SELECT connection_broken_at AS at FROM vendor WHERE id = $1::uuid FOR UPDATE)
       UPDATE vendor v SET connection_broken_at = NULL, connection_error = NULL, updated_at = now()
       FROM was WHERE v.id = $1::uuid AND was.at IS NOT NULL
       RETURNING was.at`,
      [vendorId],
    );
    if (!v) return undefined;
    const units = await releaseConnectionHolds(tx, vendorId, String(new Date(v.at).getTime()));
    await tx.execute(
      `INSERT INTO audit_log (id, vendor_id, actor, action, entity, entity_id, data)
       VALUES (gen_random_uuid(), $1::uuid, 'shopify:token-exchange', 'vendor.connection_restored', 'vendor', $1, jsonb_build_object('pushesResumed', $2::jsonb))`,
      [vendorId, JSON.stringify(units)],
    );
    return units;
  });
  if (!released) return { restored: false, pushesResumed: [], syncId: null };
  const syncId = await resumeCatalogSync(vendorContext({ db: deps.db, vendorId, actor: "shopify:token-exchange", log: deps.log }), deps);
  deps.log.info({ vendorId, pushesResumed: released.length, syncId }, "Shopify connection restored");
  return { restored: true, pushesResumed: released, syncId };
}

const CHECK_SHOP = /* GraphQL */ `query GiftloopConnectionCheck { shop { name } }`;

const reconnecting = new WeakMap<object, Map<string, Promise<ShopifyConnection>>>();

/**
 * The embedded app's reconnect: exchanges the admin's session token (App Bridge's, as
 * Shopify sent it) for a fresh offline token, stores it, checks that Shopify accepts it, and
 * restores the connection. When Shopify still refuses, the connection stays broken with the
 * newer reason. Concurrent calls for one vendor share one attempt.
 */
export function reconnectShop(
  deps: Pick<Deps, "db" | "jobs" | "log" | "shopify" | "secrets">,
  args: { vendorId: string; shop: string; sessionToken: string },
): Promise<ShopifyConnection> {
  let perDeps = reconnecting.get(deps.db);
  if (!perDeps) reconnecting.set(deps.db, (perDeps = new Map()));
  const running = perDeps.get(args.vendorId);
  if (running) return running;
  const attempt = (async (): Promise<ShopifyConnection> => {
    try {
      const { session } = await deps.shopify.api.auth.tokenExchange({
        shop: args.shop,
        sessionToken: args.sessionToken,
        requestedTokenType: RequestedTokenType.OfflineAccessToken,
      });
      await deps.shopify.sessionStorage.storeSession(session);
      const admin = await deps.shopify.admin(args.shop);
      await admin.request(CHECK_SHOP);
      await restoreConnection(deps, args.vendorId);
    } catch (err) {
      const reason = accessRefusal(err) ?? `reconnecting failed: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300);
      deps.log.warn({ vendorId: args.vendorId, reason }, "reconnecting to Shopify failed");
      await deps.db.sql.execute("UPDATE vendor SET connection_error = $2 WHERE id = $1::uuid AND connection_broken_at IS NOT NULL", [args.vendorId, reason]);
    }
    return shopifyConnection(vendorContext({ db: deps.db, vendorId: args.vendorId, actor: "shopify:token-exchange", log: deps.log }));
  })().finally(() => perDeps.delete(args.vendorId));
  perDeps.set(args.vendorId, attempt);
  return attempt;
}
