import { HttpResponseError } from "@shopify/shopify-api";
import { ShopNotInstalledError } from "../integrations/shopify/shopify.ts";
import type { Deps } from "../platform/deps.ts";
import type { VendorContext } from "../platform/use-case.ts";

/**
 * The brand's Shopify connection: the app's offline access token for its shop. Shopify
 * answers 401/403 when that token no longer works (revoked; the app uninstalled without the
 * `app/uninstalled` webhook arriving). Then the connection is marked broken with Shopify's
 * answer: catalog syncs stop and say so (catalog.sync.ts), order pushes are held with that
 * reason on the unit and for the operator (fulfillment/push), and the app shows a banner
 * offering to reconnect (shopify-connection.ts mends it).
 */
export interface ShopifyConnection {
  broken: boolean;
  since: Date | null;
  reason: string | null;
}

/** Why, when `err` is Shopify refusing the shop's access token (401/403) or there is no token to send. */
export function accessRefusal(err: unknown): string | undefined {
  if (err instanceof ShopNotInstalledError) return "no Shopify access token is stored for this shop";
  if (!(err instanceof HttpResponseError)) return undefined;
  const status = err.response.code;
  if (status === 401) return "Shopify no longer accepts the app's access token (401 Unauthorized)";
  if (status === 403) return "Shopify refused the app access to the store (403 Forbidden)";
  return undefined;
}

/** The brand's connection as it stands; read as the brand (row-level security shows it its own vendor row only). */
export async function shopifyConnection(ctx: VendorContext): Promise<ShopifyConnection> {
  const [v] = await ctx.db.sql.query<{ at: Date | string | null; reason: string | null }>("SELECT connection_broken_at AS at, connection_error AS reason FROM vendor");
  return { broken: Boolean(v?.at), since: v?.at ? new Date(v.at) : null, reason: v?.reason ?? null };
}

/**
 * Marks the vendor's connection broken (once: the first refusal's time and reason stay until
 * it is mended). Only an installed vendor: an uninstalled one has its own state. Returns
 * whether this call broke it.
 */
export async function markConnectionBroken(deps: Pick<Deps, "db" | "log">, vendorId: string, reason: string): Promise<boolean> {
  const changed = await deps.db.transaction(async (tx) => {
    const n = await tx.execute(
      `UPDATE vendor SET connection_broken_at = now(), connection_error = $2, updated_at = now()
       WHERE id = $1::uuid AND status = 'active' AND connection_broken_at IS NULL`,
      [vendorId, reason],
    );
    if (n) {
      await tx.execute(
        `INSERT INTO audit_log (id, vendor_id, actor, action, entity, entity_id, data)
         VALUES (gen_random_uuid(), $1::uuid, 'shopify', 'vendor.connection_broken', 'vendor', $1, jsonb_build_object('reason', $2::text))`,
        [vendorId, reason],
      );
    }
    return n > 0;
  });
  if (changed) deps.log.warn({ vendorId, reason }, "Shopify refused the shop's access token: connection marked broken");
  return changed;
}

