import { HttpResponseError } from "@shopify/shopify-api";
import { loadOfflineSession } from "../../integrations/shopify/encrypted-session-storage.ts";
import { ShopifyGraphqlError, ShopNotInstalledError, throttledAdmin, type ShopifyAdmin } from "../../integrations/shopify/shopify.ts";
import type { Tx } from "../../jobs/queue.ts";
import type { Deps } from "../../platform/deps.ts";
import type { Logger } from "../../platform/logger.ts";
import { unitLifecycle } from "../../platform/lifecycle/lifecycles.ts";
import { PUSH_PAUSED_FLAG } from "../../compliance/uninstall.ts";
import { unitOrderOnHoldSql } from "../../orders/order-hold.ts";
import { releaseStock } from "../../catalog/stock.ts";
import { accessRefusal, markConnectionBroken } from "../../vendors/connection-state.ts";
import { connectionHoldFlag } from "./push-holds.ts";
import {
  CREATE_UNIT_ORDER,
  FIND_UNIT_ORDER,
  GIFT_TAG,
  unitSourceIdentifier,
  unitTag,
  type CreateUnitOrderData,
  type FindUnitOrderData,
  type FoundOrder,
} from "./push.graphql.ts";
import { minorToDecimal } from "../../platform/money.ts";

/**
 * Order push: one redeemed unit becomes one order in its vendor's Shopify store, exactly once.
 *
 * Steps (each safe to repeat):
 *  1. load the unit, its vendor and the chosen variant; only a `redeemed` unit is pushed;
 *  2. a vendor that uninstalled is not pushed to: the unit is flagged for the operator and
 *     stays `redeemed`; nor is one whose Shopify connection is broken (Shopify refused its
 *     access token, or none is stored: vendors/connection-state.ts), flagged with the
 *     reason until a reconnect releases it; nor a gift whose payment is disputed
 *     (orders/order-hold.ts): its order is pushed if the dispute is won;
 *  3. mark the unit `push_started_at` and take the address as it stands then: from here the
 *     recipient can no longer correct it (redemption/address-correction.ts);
 *  4. look for an order that already carries our identifier (tag + sourceIdentifier): a
 *     previous attempt may have created it and lost the answer (timeout, dropped connection,
 *     crash before bookkeeping);
 *  5. only if there is none, `orderCreate` (sent once: the client's own network retries are
 *     off for it, since a retried create is exactly how duplicates happen);
 *  6. in one transaction with the effect marker: store the order id, move the unit
 *     redeemed -> pushed (optimistic lock), release the stock reservation (Shopify now
 *     holds the claim).
 * Shopify's answer decides what a failure is: userErrors (no stock, invalid address) are
 * permanent and surfaced on the unit (and, since no order exists, the recipient may correct
 * the address, which pushes again); 5xx, timeouts, THROTTLED and network errors are retried.
 */

export type PushPoint = "loaded" | "looked_up" | "before_create" | "created" | "recorded";

export interface PushIo {
  log: Logger;
  signal?: AbortSignal;
  /** Runs `effect` with `key` as its effect marker, once (the job's ctx.once). */
  once<T>(effect: (tx: Tx) => Promise<T>, key: string): Promise<{ ran: boolean; value?: T }>;
  /** Test seam: called at each step; throwing (or aborting) there simulates a crash. */
  at?(point: PushPoint): void | Promise<void>;
  /** Per-request timeout (default 20 s). */
  requestTimeoutMs?: number;
}

export type PushOutcome =
  | { kind: "pushed"; orderId: string; created: boolean }
  | { kind: "already_pushed"; orderId: string | null }
  | { kind: "not_pushable"; status: string }
  | { kind: "held"; reason: string }
  | { kind: "gone" };

/** Retrying cannot help: the unit carries the reason (pushError) and the job is dead-lettered. */
export class PushRefusedError extends Error {
  override name = "PushRefusedError";
}

/** A failure that may pass (Shopify 5xx, timeout, throttling, network): retry with backoff. */
export class PushTransientError extends Error {
  override name = "PushTransientError";
}

/** The uninstall's flag (compliance/uninstall.ts clears it on reinstall, and the sweep pushes again). */
export const HOLD_UNINSTALLED = PUSH_PAUSED_FLAG;

interface UnitRow {
  id: string;
  status: string;
  version: number;
  order_id: string;
  shopify_order_id: string | null;
  chosen_variant_id: string | null;
  shipping_address: Record<string, string | undefined> | null;
  message: string | null;
  recipient_name: string;
  recipient_email: string;
  recipient_phone: string | null;
  operator_flag: string | null;
  vendor_id: string;
  shop_domain: string;
  connection_error: string | null;
  connection_broken: boolean;
  vendor_status: string;
  uninstalled_at: Date | null;
  notify: boolean;
  variant_shopify_id: string | null;
  price_amount: number | null;
  variant_currency: string | null;
  on_hold: boolean;
}

const LOAD = `
  SELECT u.id::text, u.status::text AS status, u.version, u.order_id::text, u.shopify_order_id, u.chosen_variant_id::text,
         u.shipping_address, u.message, u.recipient_name, u.recipient_email, u.recipient_phone, u.operator_flag,
         u.vendor_id::text AS vendor_id, v.shop_domain, v.connection_error, v.connection_broken_at IS NOT NULL AS connection_broken, v.status::text AS vendor_status, v.uninstalled_at, v.shopify_notify_customer AS notify,
         va.shopify_id AS variant_shopify_id, va.price_amount, va.currency AS variant_currency,
         ${unitOrderOnHoldSql("u")} AS on_hold
  FROM fulfillment_unit u
  JOIN vendor v ON v.id = u.vendor_id
  LEFT JOIN variant va ON va.id = u.chosen_variant_id
  WHERE u.id = $1::uuid`;

export async function pushUnitOrder(deps: Pick<Deps, "db" | "secrets" | "shopify">, unitId: string, io: PushIo): Promise<PushOutcome> {
  const [unit] = await deps.db.sql.query<UnitRow>(LOAD, [unitId]);
  if (!unit) return { kind: "gone" };
  if (unit.status !== "redeemed") {
    return ["pushed", "shipped", "delivered"].includes(unit.status)
      ? { kind: "already_pushed", orderId: unit.shopify_order_id }
      : { kind: "not_pushable", status: unit.status };
  }
  await io.at?.("loaded");
  if (unit.vendor_status !== "active" || unit.uninstalled_at) return hold(deps, unit, io.log);
  if (unit.on_hold) {
    // The payment is disputed: no order leaves for it until the dispute closes (disputes.ts pushes it then).
    io.log.warn({ unit: unit.id }, "payment disputed: Shopify order held");
    return { kind: "held", reason: "payment disputed" };
  }
  if (unit.operator_flag) {
    io.log.warn({ unit: unit.id, flag: unit.operator_flag }, "unit is flagged for the operator; not pushed");
    return { kind: "held", reason: unit.operator_flag };
  }
  if (unit.connection_broken) return holdForConnection(deps, unit, unit.connection_error ?? "Shopify refused the access token", io.log);

  // From here the order may reach Shopify: mark the unit, and send the address as it stands
  // at this mark (a recipient's correction lands before it or is refused after it:
  // redemption/address-correction.ts).
  const [claimed] = await deps.db.sql.query<Pick<UnitRow, "shipping_address" | "version">>(
    `UPDATE fulfillment_unit SET push_started_at = COALESCE(push_started_at, now()) WHERE id = $1::uuid AND status = 'redeemed' RETURNING shipping_address, version`,
    [unitId],
  );
  if (!claimed) return { kind: "not_pushable", status: "changed meanwhile" };
  unit.shipping_address = claimed.shipping_address;
  unit.version = claimed.version;

  let admin: ShopifyAdmin;
  try {
    admin = await adminForPush(deps, unit.shop_domain, io.log);
  } catch (err) {
    const refused = accessRefusal(err);
    if (refused) return holdForConnection(deps, unit, refused, io.log, { markBroken: true });
    throw err;
  }
  const signal = () => requestSignal(io);

  let order: { id: string; name: string } | undefined;
  let created = false;
  try {
    const found = await admin.request<FindUnitOrderData>(FIND_UNIT_ORDER, { query: `tag:'${unitTag(unitId)}'` }, { signal: signal() });
    order = found.data.orders.nodes.find((o: FoundOrder) => o.sourceIdentifier === unitSourceIdentifier(unitId) && o.tags.includes(unitTag(unitId)));
    await io.at?.("looked_up");
    if (!order) {
      const input = orderInput(unit);
      if (typeof input === "string") return refuse(deps, unit, input, { noOrder: true });
      await io.at?.("before_create");
      const res = await admin.request<CreateUnitOrderData>(CREATE_UNIT_ORDER, input, { signal: signal() });
      const payload = res.data.orderCreate;
      const errors = payload?.userErrors ?? [];
      if (errors.length || !payload?.order) {
        const why = errors.map((e) => `${e.code ?? "INVALID"}: ${e.message}${e.field?.length ? ` (${e.field.join(".")})` : ""}`).join("; ");
        return refuse(deps, unit, `Shopify refused the order: ${why || "no order returned"}`, { noOrder: true });
      }
      order = payload.order;
      created = true;
      await io.at?.("created");
    }
  } catch (err) {
    if (err instanceof PushRefusedError) throw err;
    const refused = accessRefusal(err);
    if (refused) return holdForConnection(deps, unit, refused, io.log, { markBroken: true });
    const c = classify(err);
    if (c.kind === "uninstalled") return hold(deps, unit, io.log);
    if (c.kind === "permanent") return refuse(deps, unit, c.message);
    await surface(deps, unit.id, `retrying: ${c.message}`);
    throw new PushTransientError(c.message, { cause: err });
  }

  const r = await io.once(async (tx) => {
    await unitLifecycle.transition(tx, {
      id: unit.id,
      to: "pushed",
      expectedVersion: unit.version,
      actor: "system",
      reason: `Shopify order ${order.name}${created ? "" : " (found)"}`,
      set: { shopify_order_id: order.id, push_error: null },
    });
    if (unit.chosen_variant_id) {
      await releaseStock(tx, unit.chosen_variant_id);
    }
  }, `push:${unit.id}:recorded`);
  await io.at?.("recorded");
  io.log.info({ unit: unit.id, order: order.id, name: order.name, created, recorded: r.ran }, created ? "gift order created in Shopify" : "gift order found in Shopify");
  return { kind: "pushed", orderId: order.id, created };
}

/** The vendor's Admin client for pushes: the integration's session and throttling, but no automatic network retries. */
async function adminForPush(deps: Pick<Deps, "db" | "secrets" | "shopify">, shop: string, log: Logger): Promise<ShopifyAdmin> {
  const session = await loadOfflineSession(deps, shop);
  if (!session) throw new ShopNotInstalledError(shop);
  // One client per shop and token, so every push to a shop shares what the last answer said
  // about its cost bucket (and waits before sending instead of being THROTTLED).
  let perShop = admins.get(deps.shopify);
  if (!perShop) admins.set(deps.shopify, (perShop = new Map()));
  const cached = perShop.get(shop);
  if (cached && cached.token === session.accessToken) return cached.admin;
  const client = new deps.shopify.api.clients.Graphql({ session });
  const admin = throttledAdmin(shop, (query, variables, signal) => client.request(query, { variables, retries: 0, ...(signal ? { signal } : {}) }), log, {
    maxRetries: 60,
  });
  perShop.set(shop, { token: session.accessToken ?? "", admin });
  return admin;
}

const admins = new WeakMap<object, Map<string, { token: string; admin: ShopifyAdmin }>>();

function requestSignal(io: PushIo): AbortSignal {
  const t = AbortSignal.timeout(io.requestTimeoutMs ?? 20_000);
  return io.signal ? AbortSignal.any([io.signal, t]) : t;
}

type Classified = { kind: "transient"; message: string } | { kind: "permanent"; message: string } | { kind: "uninstalled" };

const RETRYABLE_GRAPHQL = new Set(["THROTTLED", "INTERNAL_SERVER_ERROR", "TIMEOUT", "SERVICE_UNAVAILABLE"]);

function classify(err: unknown): Classified {
  if (err instanceof ShopNotInstalledError) return { kind: "uninstalled" };
  if (err instanceof ShopifyGraphqlError) {
    if (!err.code || RETRYABLE_GRAPHQL.has(err.code)) return { kind: "transient", message: `Shopify ${err.code ?? "error"}: ${err.message}` };
    if (err.code === "ACCESS_DENIED") return { kind: "uninstalled" };
    return { kind: "permanent", message: `Shopify rejected the request (${err.code}): ${err.message}` };
  }
  if (err instanceof HttpResponseError) {
    const status = err.response.code;
    if (status === 402 || status === 423) return { kind: "uninstalled" };
    if (status >= 500 || status === 429 || status === 408) return { kind: "transient", message: `Shopify HTTP ${status}` };
    return { kind: "permanent", message: `Shopify HTTP ${status}: ${err.message}` };
  }
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { kind: "transient", message };
}

async function surface(deps: Pick<Deps, "db">, unitId: string, message: string): Promise<void> {
  await deps.db.sql.execute(`UPDATE fulfillment_unit SET push_error = $2 WHERE id = $1::uuid AND status = 'redeemed'`, [unitId, message.slice(0, 1000)]);
}

/** `noOrder`: Shopify certainly made no order, so the recipient may correct the address and it is pushed again. */
async function refuse(deps: Pick<Deps, "db">, unit: UnitRow, reason: string, opts: { noOrder?: boolean } = {}): Promise<never> {
  await surface(deps, unit.id, reason);
  if (opts.noOrder) await deps.db.sql.execute(`UPDATE fulfillment_unit SET push_started_at = NULL WHERE id = $1::uuid AND status = 'redeemed'`, [unit.id]);
  throw new PushRefusedError(reason);
}

async function hold(deps: Pick<Deps, "db">, unit: UnitRow, log: Logger): Promise<PushOutcome> {
  await deps.db.sql.execute(`UPDATE fulfillment_unit SET operator_flag = $2, updated_at = now() WHERE id = $1::uuid AND operator_flag IS NULL AND status = 'redeemed'`, [
    unit.id,
    HOLD_UNINSTALLED,
  ]);
  log.warn({ unit: unit.id, shop: unit.shop_domain }, "vendor uninstalled: order push held, unit flagged for the operator");
  return { kind: "held", reason: HOLD_UNINSTALLED };
}

/**
 * Shopify refuses the brand's access token: the unit waits with the reason on it (for the
 * brand and the operator) and, when Shopify just said so, the vendor's connection is marked
 * broken; reconnecting releases it and pushes again (vendors/shopify-connection.ts). The
 * flag is set under a share lock on the vendor and only while its connection is broken, so
 * it cannot land after a reconnect released the vendor's holds; when the reconnect came
 * first, the push is simply tried again.
 */
async function holdForConnection(
  deps: Pick<Deps, "db">,
  unit: UnitRow,
  reason: string,
  log: Logger,
  opts: { markBroken?: boolean } = {},
): Promise<PushOutcome> {
  if (opts.markBroken) await markConnectionBroken({ db: deps.db, log }, unit.vendor_id, reason);
  const flag = connectionHoldFlag(reason);
  const [r] = await deps.db.sql.query<{ broken: boolean | null }>(
    `WITH v AS MATERIALIZED (SELECT connection_broken_at IS NOT NULL AS broken FROM vendor WHERE id = $3::uuid FOR SHARE),
          held AS (UPDATE fulfillment_unit SET operator_flag = $2, updated_at = now()
                   WHERE id = $1::uuid AND operator_flag IS NULL AND status = 'redeemed' AND (SELECT broken FROM v)
                   RETURNING id)
     SELECT (SELECT broken FROM v) AS broken, (SELECT count(*) FROM held)::int AS n`,
    [unit.id, flag, unit.vendor_id],
  );
  if (!r?.broken) throw new PushTransientError("the Shopify connection was restored meanwhile; pushing again");
  log.warn({ unit: unit.id, shop: unit.shop_domain, reason }, "Shopify connection broken: order push held");
  return { kind: "held", reason: flag };
}

function splitName(name: string): { firstName: string | null; lastName: string } {
  const t = name.trim();
  const i = t.lastIndexOf(" ");
  return i > 0 ? { firstName: t.slice(0, i), lastName: t.slice(i + 1) } : { firstName: null, lastName: t };
}

/** The orderCreate variables for a unit, or why it cannot be pushed. */
export function orderInput(unit: UnitRow): { order: Record<string, unknown>; options: Record<string, unknown> } | string {
  const a = unit.shipping_address;
  if (!unit.variant_shopify_id || unit.price_amount === null || !unit.variant_currency) return "the chosen variant is no longer in the catalog";
  if (!a?.line1 || !a.country) return "the unit has no shipping address";
  const notify = unit.notify;
  const tags = [GIFT_TAG, unitTag(unit.id)];
  return {
    order: {
      lineItems: [{ variantId: unit.variant_shopify_id, quantity: 1 }],
      shippingAddress: {
        ...splitName(a.name ?? unit.recipient_name),
        ...(a.company ? { company: a.company } : {}),
        address1: a.line1,
        ...(a.line2 ? { address2: a.line2 } : {}),
        city: a.city ?? null,
        ...(a.region ? { provinceCode: a.region } : {}),
        ...(a.postalCode ? { zip: a.postalCode } : {}),
        countryCode: a.country,
        ...((a.phone ?? unit.recipient_phone) ? { phone: a.phone ?? unit.recipient_phone } : {}),
      },
      ...(unit.message ? { note: unit.message } : {}),
      ...(notify ? { email: unit.recipient_email } : {}),
      tags,
      sourceIdentifier: unitSourceIdentifier(unit.id),
      sourceName: "giftloop",
      customAttributes: [
        { key: "giftloop_unit", value: unit.id },
        { key: "giftloop_order", value: unit.order_id },
      ],
      currency: unit.variant_currency,
      financialStatus: "PAID",
      transactions: [
        {
          kind: "SALE",
          status: "SUCCESS",
          gateway: "Giftloop (paid by the platform)",
          amountSet: { shopMoney: { amount: minorToDecimal(unit.price_amount, unit.variant_currency), currencyCode: unit.variant_currency } },
        },
      ],
    },
    options: { inventoryBehaviour: "DECREMENT_OBEYING_POLICY", sendReceipt: notify, sendFulfillmentReceipt: notify },
  };
}
