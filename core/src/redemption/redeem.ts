import { batcher, type Batcher } from "../platform/db/batch.ts";
import { statement, type Database } from "../platform/db/connect.ts";
import { fieldError } from "../platform/field-error.ts";
import { unitLifecycle, type UnitStatus } from "../platform/lifecycle/lifecycles.ts";
import { refuse, type Outcome, type Refusal } from "../platform/use-case.ts";
import type { Address } from "./address.ts";
import { CHOICE_LIST_JOIN, choiceListsCte, choicesCte, countriesCte, UNIT_CONTEXT_JOINS, unitColumns, UUID, viewJson, type GiftViewDeps } from "./gift-view.ts";
import type { RecipientContext } from "./recipient-context.ts";
import { PUSH_ENQUEUE_CTE } from "../fulfillment/push/push.enqueue.ts";
import { unitOrderOnHoldSql } from "../orders/order-hold.ts";
import { availableStockSql, reserveStockSql } from "../catalog/stock.ts";

export type RedeemRefusalCode = "not_found" | "already_redeemed" | "unavailable" | "on_hold" | "expired" | "not_a_choice" | "country_not_shipped" | "out_of_stock";

/** `view`: the gift as it now stands, a `GiftView` as JSON text. */
export type RedeemResult = Outcome<{ view: string }, RedeemRefusalCode>;

const REDEEM_REFUSALS: Record<RedeemRefusalCode, string> = {
  not_found: "This gift no longer exists.",
  already_redeemed: "This gift was already redeemed.",
  unavailable: "This gift was canceled.",
  on_hold: "This gift is on hold for now and cannot be redeemed yet. Please try again later, or ask the sender.",
  expired: "This gift has expired.",
  not_a_choice: "That item is not one of this gift's choices.",
  country_not_shipped: "The brand does not ship to that country.",
  out_of_stock: "That choice just ran out of stock; please pick another.",
};
/** The refusals a form shows on a field: the country, and the chosen item. */
const REDEEM_REFUSAL_FIELDS: Partial<Record<RedeemRefusalCode, string[]>> = {
  country_not_shipped: ["address", "country"],
  not_a_choice: ["variantId"],
  out_of_stock: ["variantId"],
};

function redeemRefusal(code: RedeemRefusalCode): Refusal<RedeemRefusalCode> {
  const detail = REDEEM_REFUSALS[code];
  const field = REDEEM_REFUSAL_FIELDS[code];
  return refuse(code, detail, field ? { errors: [fieldError(field, code, detail)] } : {});
}

/** The statuses a unit can be redeemed from (issued, sent), as the unit lifecycle says. */
const REDEEMABLE = (Object.keys(unitLifecycle.transitions) as UnitStatus[]).filter((s) => unitLifecycle.canMove(s, "redeemed"));

/**
 * A batch of redemptions of distinct units (one, when requests are few) as one statement,
 * so one atomic implicit transaction with its own commit and one round trip, reads
 * included. In order:
 * - `units`: lock each unit (in id order), so its status is the latest committed one;
 * - `checked`: each request's refusal, if any, against the locked unit, in the order the
 *   recipient would want to hear them: not found, already redeemed, not redeemable
 *   (canceled...), on hold (its payment is disputed: orders/order-hold.ts), expired, not one
 *   of the unit's choices, a country the brand does not ship to;
 * - `variants`: lock the chosen variants (not deleted), in id order, after every unit (the
 *   ARRAY subquery is evaluated before the scan locks anything);
 * - `granted`: per variant, the acceptable requests in request order, as many as its stock
 *   allows (all of them when it is not tracked); the others are out of stock;
 * - reserve them on the variant (catalog/stock.ts), move each granted unit to `redeemed`
 *   with its choice and address and record the move (`unitLifecycle.transitionAllCtes`),
 *   and enqueue its push to the brand's Shopify store;
 * - build each redeemed unit's view (gift-view.ts) as it now stands: the chosen variant's
 *   stock as this statement left it.
 * All of it happens or none. A popular variant's row is locked only while this statement
 * runs and commits, never across a round trip, and once per batch instead of once per
 * redemption.
 */
const REDEEM = statement(
  `WITH req AS MATERIALIZED (
     SELECT r.unit_id, r.variant_id, r.at, r.actor, a.address, r.n
     FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $7::text[]) WITH ORDINALITY AS r(unit_id, variant_id, at, actor, n)
     JOIN jsonb_array_elements($4::jsonb) WITH ORDINALITY AS a(address, n) ON a.n = r.n
   ), units AS MATERIALIZED (
     SELECT f.id, f.status::text AS status, f.expires_at, f.choices, f.vendor_id, f.ship_country,
            ${unitOrderOnHoldSql("f")} AS on_hold
     FROM fulfillment_unit f
     WHERE f.id IN (SELECT unit_id FROM req)
     ORDER BY f.id
     FOR UPDATE
   ), checked AS MATERIALIZED (
     SELECT r.unit_id, r.variant_id, r.at, r.actor, r.address, r.n, u.status,
            CASE
              WHEN u.id IS NULL THEN 'not_found'
              WHEN u.status IN ('redeemed', 'pushed', 'shipped', 'delivered') THEN 'already_redeemed'
              WHEN NOT (u.status = ANY ($5::text[])) THEN 'unavailable'
              WHEN u.on_hold THEN 'on_hold'
              WHEN u.expires_at <= r.at THEN 'expired'
              WHEN NOT (u.choices ? r.variant_id::text) THEN 'not_a_choice'
              WHEN NOT EXISTS (SELECT 1 FROM shipping_rule s WHERE s.vendor_id = u.vendor_id AND s.country IN (r.address->>'country', '*'))
                THEN 'country_not_shipped'
              -- The buyer paid shipping to the recipient's country: the gift ships there.
              WHEN u.ship_country IS NOT NULL AND u.ship_country <> r.address->>'country' THEN 'country_not_shipped'
            END AS refusal
     FROM req r LEFT JOIN units u ON u.id = r.unit_id
   ), variants AS MATERIALIZED (
     SELECT v.id, v.inventory_tracked AS tracked, ${availableStockSql("v")} AS avail
     FROM variant v
     WHERE v.id = ANY (ARRAY(SELECT c.variant_id FROM checked c WHERE c.refusal IS NULL)) AND v.deleted_at IS NULL
     ORDER BY v.id
     FOR UPDATE
   ), granted AS MATERIALIZED (
     SELECT q.unit_id AS id, q.unit_id, q.variant_id, q.status, q.address, q.at, q.actor
     FROM (SELECT c.*, row_number() OVER (PARTITION BY c.variant_id ORDER BY c.n) AS k FROM checked c WHERE c.refusal IS NULL) q
     JOIN variants v ON v.id = q.variant_id
     WHERE NOT v.tracked OR q.k <= v.avail
   ), res AS (
     ${reserveStockSql("(SELECT variant_id AS id, count(*)::int AS n FROM granted GROUP BY variant_id)")}
   ), ${unitLifecycle.transitionAllCtes("upd", {
     source: "granted",
     to: "redeemed",
     actor: "upd.actor",
     returning: ["actor"],
     reason: "'gift redeemed'",
     set: "chosen_variant_id = src.variant_id, shipping_address = src.address, redeemed_at = src.at",
   })}, ${PUSH_ENQUEUE_CTE /* order push (core/src/fulfillment/push): enqueued in this statement, so it commits with the redemption */},
   u AS MATERIALIZED (
     SELECT ${unitColumns({ status: "'redeemed'", chosen: "gr.variant_id::text", address: "gr.address", redeemedAt: "gr.at" })}
     FROM granted gr
     JOIN fulfillment_unit u ON u.id = gr.unit_id
     ${UNIT_CONTEXT_JOINS}
     WHERE gr.unit_id IN (SELECT id FROM upd)
   ), ${choicesCte("oc_read", "u")}, oc AS (
     SELECT o.offer_id, o.variant_id, o.ord,
            CASE WHEN s.tracked THEN (o.choice::jsonb || jsonb_build_object('available', s.available))::json ELSE o.choice END AS choice
     FROM oc_read o LEFT JOIN res s ON s.id::text = o.variant_id
   ), ${choiceListsCte("u")}, ${countriesCte("u")}
   SELECT c.n::int AS n,
          COALESCE(c.refusal, CASE WHEN u.id IS NULL THEN 'out_of_stock' END) AS refusal,
          CASE WHEN u.id IS NOT NULL THEN ${viewJson("now()", "$6::text")}::text END AS view
   FROM checked c
   LEFT JOIN u ON u.id = c.unit_id
   ${CHOICE_LIST_JOIN}
   LEFT JOIN sc ON sc.vendor_id = u.vendor_id
   ORDER BY c.n`,
);

interface RedeemWrite {
  unitId: string;
  variantId: string;
  address: Address;
  at: Date;
  /** Who redeems (`ctx.actor`), recorded with the unit's move to redeemed. */
  actor: string;
}

type WriteOutcome = { refusal: RedeemRefusalCode; view: null } | { refusal: null; view: string };

async function writeRedemptions(db: Database, writes: RedeemWrite[], publicUrl: string): Promise<WriteOutcome[]> {
  const rows = await db.sql.query<WriteOutcome & { n: number }>(REDEEM, [
    writes.map((w) => w.unitId),
    writes.map((w) => w.variantId),
    writes.map((w) => w.at),
    JSON.stringify(writes.map((w) => w.address)),
    REDEEMABLE,
    publicUrl,
    writes.map((w) => w.actor),
  ]);
  return rows.map((r) => (r.refusal ? { refusal: r.refusal, view: null } : { refusal: null, view: r.view! }));
}

const writers = new WeakMap<Database, Map<string, Batcher<RedeemWrite, WriteOutcome>>>();
function writer(db: Database, publicUrl: string): Batcher<RedeemWrite, WriteOutcome> {
  let perUrl = writers.get(db);
  if (!perUrl) writers.set(db, (perUrl = new Map()));
  let w = perUrl.get(publicUrl);
  if (!w) {
    // Two redemptions of one unit never share a statement: the later one runs after and finds it redeemed.
    // Redemptions of one popular variant serialize on its row anyway: one statement at a time
    // (per process), and the redemptions that arrive while it runs gather into the next one.
    // Up to 100 in a statement: at 200 concurrent recipients that makes two groups, one being
    // parsed and answered by the api while the other's statement runs (measured with
    // npm run bench -- orders against 200 per statement and two statements in flight).
    w = batcher((writes: RedeemWrite[]) => writeRedemptions(db, writes, publicUrl), { key: (x) => x.unitId, maxInFlight: 1, maxBatch: 100 });
    perUrl.set(publicUrl, w);
  }
  return w;
}

/** How often a batch that PostgreSQL aborted as a deadlock or serialization failure (it wrote nothing) is tried again. */
const MAX_ATTEMPTS = 5;

/** PostgreSQL's deadlock_detected and serialization_failure: the write changed nothing, so it is tried again. */
function isRetryable(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === "40P01" || code === "40001";
}

/**
 * Redeems the recipient's unit (`ctx.tenant.unitId`): their choice and address, once. One statement locks the unit,
 * checks it (redeemable, not expired, the choice is one of its choices, the brand ships to
 * the country), reserves the chosen variant's stock (inventory_reserved, so two recipients
 * cannot both take the last one), redeems it and answers its view as it now stands; of
 * concurrent attempts exactly one redeems and the others find it redeemed. Concurrent
 * redemptions share that statement (see `batcher`).
 */
export async function redeemUnit(ctx: RecipientContext, deps: GiftViewDeps, input: { variantId: string; address: Address }, now = new Date()): Promise<RedeemResult> {
  const { unitId } = ctx.tenant;
  // Only well-formed ids join a batch: a malformed one would fail the whole batch's statement.
  if (!UUID.test(unitId)) return redeemRefusal("not_found");
  if (!UUID.test(input.variantId)) return redeemRefusal("not_a_choice");
  for (let attempt = 1; ; attempt++) {
    try {
      const w = await writer(ctx.db, deps.config.publicUrl).call({ unitId: unitId.toLowerCase(), variantId: input.variantId.toLowerCase(), address: input.address, at: now, actor: ctx.actor });
      return w.refusal ? redeemRefusal(w.refusal) : { ok: true, view: w.view };
    } catch (err) {
      if (isRetryable(err) && attempt < MAX_ATTEMPTS) continue;
      throw err;
    }
  }
}
