import type { SProduct, SVariant } from "./catalog.ts";
import type { SOrder } from "./orders.ts";

/** One shop in the stand-in: its catalog, bulk operations, subscriptions, tokens and cost bucket. */
export interface ShopState {
  domain: string;
  name: string;
  email: string;
  currency: string;
  /** Numeric id in the shop's gid. */
  id: number;
  locationId: number;
  products: Map<number, SProduct>;
  bulkOps: Map<number, BulkOperation>;
  subscriptions: WebhookSubscription[];
  /** Offline/online access tokens issued for this shop, with their scopes. */
  tokens: Map<string, { scope: string; online: boolean }>;
  bucket: { available: number; at: number };
  /** Line numbers (1-based) of the next bulk result to corrupt (tests of a broken JSONL file). */
  corruptNextBulk: number[];
  /** Variant lookups by inventory item (inventory_levels/update). */
  byInventoryItem: Map<number, SVariant>;
  sorted: number[] | null;
  /** Orders created through orderCreate, by numeric id. */
  orders: Map<number, SOrder>;
  /** The next order's number (its name is `#<number>`). */
  nextOrderNumber: number;
}

export type BulkStatus = "CREATED" | "RUNNING" | "COMPLETED" | "CANCELING" | "CANCELED" | "FAILED" | "EXPIRED";

export interface BulkOperation {
  id: number;
  status: BulkStatus;
  errorCode: string | null;
  query: string;
  createdAt: Date;
  completedAt: Date | null;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number;
  /** Token of the result file's URL (the file itself lives in `file`). */
  token: string;
  file: Buffer | null;
}

export interface WebhookSubscription {
  id: number;
  topic: string;
  uri: string;
  createdAt: Date;
}

export function sortedProductIds(shop: ShopState): number[] {
  if (!shop.sorted) shop.sorted = [...shop.products.keys()].sort((a, b) => a - b);
  return shop.sorted;
}

export function indexShop(shop: ShopState): void {
  shop.sorted = null;
  shop.byInventoryItem.clear();
  for (const p of shop.products.values()) for (const v of p.variants) shop.byInventoryItem.set(v.inventoryItemId, v);
}

export function gid(type: string, id: number | string): string {
  return `gid://shopify/${type}/${id}`;
}

/** [type, numeric id] from a gid, or undefined when it is not one. */
export function parseGid(value: string): [string, number] | undefined {
  const m = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?.*)?$/.exec(value);
  return m ? [m[1]!, Number(m[2])] : undefined;
}
