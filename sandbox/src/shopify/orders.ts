import { decimal, type SProduct, type SVariant } from "./catalog.ts";
import { gid, parseGid, type ShopState } from "./state.ts";

/**
 * Orders in the stand-in: `orderCreate` (Admin GraphQL 2026-10 input shape: lineItems by
 * variantId, shippingAddress as MailingAddressInput, note, tags, sourceIdentifier,
 * customAttributes, financialStatus/transactions, options.inventoryBehaviour and
 * sendReceipt), lookup by search query (`tag:`, `source_identifier:`, `name:`), fulfillments
 * with tracking, and the REST-shaped webhook payloads of orders and fulfillments.
 */

export interface SAddress {
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  provinceCode: string | null;
  zip: string | null;
  countryCode: string | null;
  phone: string | null;
}

export interface SLineItem {
  id: number;
  variantId: number;
  productId: number;
  title: string;
  variantTitle: string;
  sku: string;
  quantity: number;
  /** Minor units. */
  price: number;
}

export interface SFulfillment {
  id: number;
  status: "SUCCESS" | "CANCELLED";
  /** Shopify's shipment_status: null, "in_transit", "out_for_delivery", "delivered", ... */
  shipmentStatus: string | null;
  trackingCompany: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface SOrder {
  id: number;
  name: string;
  email: string | null;
  note: string | null;
  tags: string[];
  sourceIdentifier: string | null;
  sourceName: string | null;
  customAttributes: Array<{ key: string; value: string }>;
  financialStatus: string;
  currency: string;
  shippingAddress: SAddress | null;
  lineItems: SLineItem[];
  transactions: Array<{ kind: string; status: string; amount: number; gateway: string | null }>;
  fulfillments: SFulfillment[];
  sendReceipt: boolean;
  test: boolean;
  cancelledAt: Date | null;
  cancelReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface OrderCreateInput {
  lineItems?: Array<{ variantId?: string | null; quantity: number; title?: string | null; priceSet?: unknown }> | null;
  shippingAddress?: Partial<Record<keyof SAddress, string | null>> | null;
  email?: string | null;
  note?: string | null;
  tags?: string[] | null;
  sourceIdentifier?: string | null;
  sourceName?: string | null;
  customAttributes?: Array<{ key: string; value: string }> | null;
  financialStatus?: string | null;
  currency?: string | null;
  test?: boolean | null;
  transactions?: Array<{ kind?: string | null; status?: string | null; gateway?: string | null; amountSet: { shopMoney: { amount: string | number; currencyCode: string } } }> | null;
}

export interface OrderCreateOptions {
  inventoryBehaviour?: "BYPASS" | "DECREMENT_IGNORING_POLICY" | "DECREMENT_OBEYING_POLICY" | null;
  sendReceipt?: boolean | null;
  sendFulfillmentReceipt?: boolean | null;
}

export interface OrderUserError {
  field: string[] | null;
  message: string;
  code: "INVALID" | "INVENTORY_CLAIM_FAILED" | "FULFILLMENT_SERVICE_INVALID" | "PROCESSED_AT_INVALID" | "REDUNDANT_CUSTOMER_FIELDS" | "SHOP_DORMANT" | "TAX_LINE_RATE_MISSING";
}

export interface OrderBook {
  orders: Map<number, SOrder>;
  nextOrderNumber: number;
}

let ids = 5_100_000_000;
const nextId = () => ++ids;

/** New orders, line items and fulfillments get ids above `n` (orders kept from an earlier run). */
export function reserveOrderIdsAbove(n: number): void {
  ids = Math.max(ids, n);
}

function variantOf(shop: ShopState, variantId: number): [SProduct, SVariant] | undefined {
  for (const p of shop.products.values()) {
    const v = p.variants.find((x) => x.id === variantId);
    if (v) return [p, v];
  }
  return undefined;
}

/**
 * Creates an order, or answers userErrors as Shopify does (nothing created then). With
 * DECREMENT_OBEYING_POLICY a tracked variant without enough stock fails the whole order
 * (INVENTORY_CLAIM_FAILED); with a decrementing behaviour, stock goes down.
 */
export function createOrder(
  shop: ShopState,
  book: OrderBook,
  input: OrderCreateInput,
  options: OrderCreateOptions | null | undefined,
): { order?: SOrder; userErrors: OrderUserError[]; changedVariants: SVariant[] } {
  const errors: OrderUserError[] = [];
  const lines = input.lineItems ?? [];
  if (lines.length === 0) errors.push({ field: ["order", "lineItems"], message: "Line items can't be empty", code: "INVALID" });
  const resolved: Array<[SProduct, SVariant, number]> = [];
  lines.forEach((li, i) => {
    if (!Number.isInteger(li.quantity) || li.quantity < 1) {
      errors.push({ field: ["order", "lineItems", String(i), "quantity"], message: "Quantity must be greater than or equal to 1", code: "INVALID" });
      return;
    }
    const parsed = li.variantId ? parseGid(li.variantId) : undefined;
    const hit = parsed?.[0] === "ProductVariant" ? variantOf(shop, parsed[1]) : undefined;
    if (!hit) {
      errors.push({ field: ["order", "lineItems", String(i), "variantId"], message: `Variant ${li.variantId ?? "(none)"} does not exist`, code: "INVALID" });
      return;
    }
    resolved.push([hit[0], hit[1], li.quantity]);
  });
  const a = input.shippingAddress;
  if (a && (!a.address1 || !a.countryCode)) {
    errors.push({ field: ["order", "shippingAddress"], message: "Shipping address is incomplete (address1 and countryCode are required)", code: "INVALID" });
  }
  const behaviour = options?.inventoryBehaviour ?? "BYPASS";
  if (!errors.length && behaviour === "DECREMENT_OBEYING_POLICY") {
    const wanted = new Map<SVariant, number>();
    for (const [, v, q] of resolved) wanted.set(v, (wanted.get(v) ?? 0) + q);
    resolved.forEach(([p, v], i) => {
      if (v.tracked && v.inventoryQuantity < (wanted.get(v) ?? 0)) {
        errors.push({
          field: ["order", "lineItems", String(i)],
          message: `Unable to claim inventory: ${p.title} - ${v.title} has ${Math.max(0, v.inventoryQuantity)} available, ${wanted.get(v)} requested`,
          code: "INVENTORY_CLAIM_FAILED",
        });
      }
    });
  }
  if (errors.length) return { userErrors: errors, changedVariants: [] };

  const now = new Date();
  const changed: SVariant[] = [];
  if (behaviour !== "BYPASS") {
    for (const [, v, q] of resolved) {
      if (!v.tracked) continue;
      v.inventoryQuantity -= q;
      v.updatedAt = now;
      if (!changed.includes(v)) changed.push(v);
    }
  }
  const order: SOrder = {
    id: nextId(),
    name: `#${book.nextOrderNumber++}`,
    email: input.email ?? null,
    note: input.note ?? null,
    tags: [...new Set(input.tags ?? [])],
    sourceIdentifier: input.sourceIdentifier ?? null,
    sourceName: input.sourceName ?? null,
    customAttributes: input.customAttributes ?? [],
    financialStatus: input.financialStatus ?? (input.transactions?.length ? "PAID" : "PENDING"),
    currency: input.currency ?? shop.currency,
    shippingAddress: a
      ? {
          firstName: a.firstName ?? null,
          lastName: a.lastName ?? null,
          company: a.company ?? null,
          address1: a.address1 ?? null,
          address2: a.address2 ?? null,
          city: a.city ?? null,
          provinceCode: a.provinceCode ?? null,
          zip: a.zip ?? null,
          countryCode: a.countryCode ?? null,
          phone: a.phone ?? null,
        }
      : null,
    lineItems: resolved.map(([p, v, q]) => ({ id: nextId(), variantId: v.id, productId: p.id, title: p.title, variantTitle: v.title, sku: v.sku, quantity: q, price: v.price })),
    transactions: (input.transactions ?? []).map((t) => ({
      kind: t.kind ?? "SALE",
      status: t.status ?? "SUCCESS",
      gateway: t.gateway ?? null,
      amount: Math.round(Number(t.amountSet.shopMoney.amount) * 100),
    })),
    fulfillments: [],
    sendReceipt: options?.sendReceipt ?? false,
    test: input.test ?? false,
    cancelledAt: null,
    cancelReason: null,
    createdAt: now,
    updatedAt: now,
  };
  book.orders.set(order.id, order);
  return { order, userErrors: [], changedVariants: changed };
}

/** Shopify's order search syntax, the part used here: `tag:x`, `source_identifier:x`, `name:#1001`, `id:n`, AND by juxtaposition. */
export function orderMatcher(query: string | null | undefined): (o: SOrder) => boolean {
  if (!query?.trim()) return () => true;
  const terms = (query.match(/(\w+:(?:'[^']*'|"[^"]*"|\S+))|("[^"]*"|\S+)/g) ?? []).filter((t) => t.toUpperCase() !== "AND");
  const tests = terms.map((term): ((o: SOrder) => boolean) => {
    const m = /^(\w+):(.*)$/.exec(term);
    if (!m) {
      const text = term.replace(/^"|"$/g, "").toLowerCase();
      return (o) => o.name.toLowerCase().includes(text) || (o.email ?? "").toLowerCase().includes(text);
    }
    const field = m[1]!;
    const value = m[2]!.replace(/^['"]|['"]$/g, "");
    switch (field) {
      case "tag":
        return (o) => o.tags.some((t) => t.toLowerCase() === value.toLowerCase());
      case "source_identifier":
        return (o) => o.sourceIdentifier === value;
      case "name":
        return (o) => o.name === value || o.name === `#${value}`;
      case "id":
        return (o) => String(o.id) === value;
      case "email":
        return (o) => o.email === value;
      default:
        return () => true;
    }
  });
  return (o) => tests.every((t) => t(o));
}

function money(amount: number, currency: string) {
  return { shopMoney: { amount: decimal(amount), currencyCode: currency }, presentmentMoney: { amount: decimal(amount), currencyCode: currency } };
}

function addressView(a: SAddress | null) {
  if (!a) return null;
  return {
    ...a,
    name: [a.firstName, a.lastName].filter(Boolean).join(" ") || null,
    province: a.provinceCode,
    country: a.countryCode,
    countryCodeV2: a.countryCode,
    formatted: [a.address1, a.address2, a.city, a.provinceCode, a.zip, a.countryCode].filter(Boolean),
  };
}

export function orderView(o: SOrder) {
  const total = o.lineItems.reduce((n, li) => n + li.price * li.quantity, 0);
  const fulfilled = o.fulfillments.some((f) => f.status === "SUCCESS");
  return {
    __typename: "Order",
    id: gid("Order", o.id),
    legacyResourceId: String(o.id),
    name: o.name,
    email: o.email,
    note: o.note,
    tags: o.tags,
    sourceIdentifier: o.sourceIdentifier,
    sourceName: o.sourceName,
    customAttributes: o.customAttributes,
    displayFinancialStatus: o.financialStatus,
    displayFulfillmentStatus: fulfilled ? "FULFILLED" : "UNFULFILLED",
    currencyCode: o.currency,
    totalPriceSet: money(total, o.currency),
    shippingAddress: addressView(o.shippingAddress),
    cancelledAt: o.cancelledAt?.toISOString() ?? null,
    cancelReason: o.cancelReason,
    test: o.test,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
    lineItems: o.lineItems,
    fulfillments: ({ first }: { first?: number | null }) =>
      o.fulfillments.slice(0, first ?? undefined).map((f) => ({
        __typename: "Fulfillment",
        id: gid("Fulfillment", f.id),
        status: f.status,
        displayStatus: f.shipmentStatus ? f.shipmentStatus.toUpperCase() : "FULFILLED",
        createdAt: f.createdAt.toISOString(),
        updatedAt: f.updatedAt.toISOString(),
        trackingInfo: ({ first: n }: { first?: number | null }) =>
          (f.trackingNumber || f.trackingUrl ? [{ company: f.trackingCompany, number: f.trackingNumber, url: f.trackingUrl }] : []).slice(0, n ?? undefined),
      })),
  };
}

export function lineItemView(li: SLineItem, currency: string) {
  return {
    __typename: "LineItem",
    id: gid("LineItem", li.id),
    title: li.title,
    variantTitle: li.variantTitle,
    sku: li.sku,
    quantity: li.quantity,
    originalUnitPriceSet: money(li.price, currency),
    variant: { __typename: "ProductVariant", id: gid("ProductVariant", li.variantId) },
  };
}

// ---------------------------------------------------------------- webhook payloads (REST shapes)

function restAddress(a: SAddress | null) {
  if (!a) return null;
  return {
    first_name: a.firstName,
    last_name: a.lastName,
    name: [a.firstName, a.lastName].filter(Boolean).join(" "),
    company: a.company,
    address1: a.address1,
    address2: a.address2,
    city: a.city,
    province_code: a.provinceCode,
    zip: a.zip,
    country_code: a.countryCode,
    phone: a.phone,
  };
}

function restLineItem(li: SLineItem) {
  return {
    id: li.id,
    admin_graphql_api_id: gid("LineItem", li.id),
    variant_id: li.variantId,
    product_id: li.productId,
    title: li.title,
    variant_title: li.variantTitle,
    sku: li.sku,
    quantity: li.quantity,
    price: decimal(li.price),
    fulfillment_status: null,
    requires_shipping: true,
  };
}

export function orderPayload(o: SOrder) {
  const total = decimal(o.lineItems.reduce((n, li) => n + li.price * li.quantity, 0));
  return {
    id: o.id,
    admin_graphql_api_id: gid("Order", o.id),
    name: o.name,
    order_number: Number(o.name.replace("#", "")),
    email: o.email,
    note: o.note,
    tags: o.tags.join(", "),
    source_identifier: o.sourceIdentifier,
    source_name: o.sourceName ?? "giftloop",
    note_attributes: o.customAttributes.map((a) => ({ name: a.key, value: a.value })),
    financial_status: o.financialStatus.toLowerCase(),
    fulfillment_status: o.fulfillments.some((f) => f.status === "SUCCESS") ? "fulfilled" : null,
    currency: o.currency,
    total_price: total,
    subtotal_price: total,
    cancelled_at: o.cancelledAt?.toISOString() ?? null,
    cancel_reason: o.cancelReason,
    test: o.test,
    created_at: o.createdAt.toISOString(),
    updated_at: o.updatedAt.toISOString(),
    shipping_address: restAddress(o.shippingAddress),
    line_items: o.lineItems.map(restLineItem),
    fulfillments: o.fulfillments.map((f) => fulfillmentPayload(o, f)),
  };
}

export function fulfillmentPayload(o: SOrder, f: SFulfillment, locationId?: number) {
  return {
    id: f.id,
    admin_graphql_api_id: gid("Fulfillment", f.id),
    order_id: o.id,
    name: `${o.name}.${o.fulfillments.indexOf(f) + 1}`,
    status: f.status.toLowerCase(),
    shipment_status: f.shipmentStatus,
    service: "manual",
    location_id: locationId ?? null,
    email: o.email,
    destination: restAddress(o.shippingAddress),
    tracking_company: f.trackingCompany,
    tracking_number: f.trackingNumber,
    tracking_numbers: f.trackingNumber ? [f.trackingNumber] : [],
    tracking_url: f.trackingUrl,
    tracking_urls: f.trackingUrl ? [f.trackingUrl] : [],
    receipt: {},
    line_items: o.lineItems.map(restLineItem),
    created_at: f.createdAt.toISOString(),
    updated_at: f.updatedAt.toISOString(),
  };
}

/** Fulfils every line of the order with one fulfillment carrying the tracking given. */
export function fulfillOrder(o: SOrder, tracking: { carrier?: string | null; number?: string | null; url?: string | null }): SFulfillment {
  const now = new Date();
  const f: SFulfillment = {
    id: nextId(),
    status: "SUCCESS",
    shipmentStatus: null,
    trackingCompany: tracking.carrier ?? null,
    trackingNumber: tracking.number ?? null,
    trackingUrl: tracking.url ?? null,
    createdAt: now,
    updatedAt: now,
  };
  o.fulfillments.push(f);
  o.updatedAt = now;
  return f;
}
