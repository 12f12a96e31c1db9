import type { AppLoadContext } from "@remix-run/node";
import type { Deps } from "@giftloop/core/platform/deps";
import { vendorByShop } from "@giftloop/core/vendors/vendors.service";
import { shopifyFor } from "./shopify.server.ts";
import { onShopInstalled } from "./install.server.ts";
import { reconnectShop, type ShopifyConnection } from "@giftloop/core/vendors/shopify-connection";
import { bearerToken } from "@giftloop/core/http/bearer";
import { acceptRequestId } from "@giftloop/core/http/request-context";
import { vendorContext, type VendorContext } from "@giftloop/core/platform/use-case";

/** What the core mounts the app with (see server/mount.ts). */
export interface GiftloopLoadContext {
  deps: Deps;
}

declare module "@remix-run/node" {
  // Declaration merging needs an interface; it adds GiftloopLoadContext's members.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends GiftloopLoadContext {}
}

export interface AdminRequest {
  deps: Deps;
  shop: string;
  /** The tenant: resolved once from the verified session; every use case gets it. */
  vendorId: string;
  vendorName: string;
  currency: string;
  /** The Shopify user (session token `sub`), for audit entries. */
  actor: string;
  /** Whether Shopify accepts the app's access token for this shop (a broken one is retried on every request). */
  connection: ShopifyConnection;
  /** The use-case context: the same tenant, actor, logger and request id the REST routes give a use case. */
  ctx: VendorContext;
}

function depsOf(context: AppLoadContext): Deps {
  if (!context?.deps) throw new Error("the Shopify app must be mounted with { deps } as load context (server/mount.ts)");
  return context.deps;
}

/**
 * Every admin loader and action starts here: Shopify authenticates the request (session
 * token from App Bridge, token exchange on first use), then the shop's vendor is resolved.
 * A shop whose vendor is missing or uninstalled while a session survived is (re)installed.
 * A shop whose connection broke (Shopify refused the stored access token) is reconnected
 * when the app is loaded (a document request, with Shopify's `id_token`) or the brand asks
 * (`reconnect`: the banner's button): the session token is exchanged for a fresh access
 * token, which resumes what waited (vendors/shopify-connection.ts). Data requests meanwhile
 * see the connection broken, and the app shows it.
 */
export function requireVendor(args: { request: Request; context: AppLoadContext }, opts: { reconnect?: boolean } = {}): Promise<AdminRequest> {
  // A document request runs the layout's and the page's loaders with the same Request:
  // authenticate (and resolve the vendor) once for both.
  let pending = perRequest.get(args.request);
  if (!pending) {
    pending = authenticateVendor(args, opts.reconnect ?? false);
    perRequest.set(args.request, pending);
  }
  return pending;
}

const perRequest = new WeakMap<Request, Promise<AdminRequest>>();

async function authenticateVendor({ request, context }: { request: Request; context: AppLoadContext }, reconnect: boolean): Promise<AdminRequest> {
  const deps = depsOf(context);
  const { session, sessionToken } = await shopifyFor(deps).authenticate.admin(request);
  let vendor = await vendorByShop(deps, session.shop);
  if (!vendor || vendor.status !== "active") vendor = await onShopInstalled(deps, session);
  const sub = (sessionToken as { sub?: string } | undefined)?.sub;
  let connection: ShopifyConnection = { broken: Boolean(vendor.connectionBrokenAt), since: vendor.connectionBrokenAt ?? null, reason: vendor.connectionError ?? null };
  const raw = rawSessionToken(request, reconnect);
  if (connection.broken && raw) connection = await reconnectShop(deps, { vendorId: vendor.id, shop: session.shop, sessionToken: raw });
  const actor = sub ? `shopify-user:${sub}@${session.shop}` : `shop:${session.shop}`;
  const requestId = acceptRequestId(request.headers.get("x-request-id") ?? undefined);
  return {
    deps,
    shop: session.shop,
    vendorId: vendor.id,
    vendorName: vendor.name,
    currency: vendor.currency,
    actor,
    connection,
    ctx: vendorContext({ db: deps.db, vendorId: vendor.id, actor, log: deps.log.child({ requestId }), requestId }),
  };
}

/**
 * The session token to exchange when reconnecting, already verified by `authenticate.admin`:
 * a document load's `id_token` (Shopify opening the app), or, when the brand asked, the
 * bearer token App Bridge adds to the app's own requests.
 */
function rawSessionToken(request: Request, asked: boolean): string | undefined {
  const bearer = bearerToken(request.headers.get("authorization"));
  if (bearer) return asked ? bearer : undefined;
  return new URL(request.url).searchParams.get("id_token") ?? undefined;
}

export { depsOf };
