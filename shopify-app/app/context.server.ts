import type { AppLoadContext } from "@remix-run/node";
import type { Deps } from "../../core/src/platform/deps.ts";
import { vendorByShop } from "../../core/src/vendors/vendors.service.ts";
import { shopifyFor } from "./shopify.server.ts";
import { onShopInstalled } from "./install.server.ts";

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
}

function depsOf(context: AppLoadContext): Deps {
  if (!context?.deps) throw new Error("the Shopify app must be mounted with { deps } as load context (server/mount.ts)");
  return context.deps;
}

/**
 * Every admin loader and action starts here: Shopify authenticates the request (session
 * token from App Bridge, token exchange on first use), then the shop's vendor is resolved.
 * A shop whose vendor is missing or uninstalled while a session survived is (re)installed.
 */
export function requireVendor(args: { request: Request; context: AppLoadContext }): Promise<AdminRequest> {
  // A document request runs the layout's and the page's loaders with the same Request:
  // authenticate (and resolve the vendor) once for both.
  let pending = perRequest.get(args.request);
  if (!pending) {
    pending = authenticateVendor(args);
    perRequest.set(args.request, pending);
  }
  return pending;
}

const perRequest = new WeakMap<Request, Promise<AdminRequest>>();

async function authenticateVendor({ request, context }: { request: Request; context: AppLoadContext }): Promise<AdminRequest> {
  const deps = depsOf(context);
  const { session, sessionToken } = await shopifyFor(deps).authenticate.admin(request);
  let vendor = await vendorByShop(deps, session.shop);
  if (!vendor || vendor.status !== "active") vendor = await onShopInstalled(deps, session);
  const sub = (sessionToken as { sub?: string } | undefined)?.sub;
  return {
    deps,
    shop: session.shop,
    vendorId: vendor.id,
    vendorName: vendor.name,
    currency: vendor.currency,
    actor: sub ? `shopify-user:${sub}@${session.shop}` : `shop:${session.shop}`,
  };
}

export { depsOf };
