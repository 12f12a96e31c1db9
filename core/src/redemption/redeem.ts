import type { Deps } from "../platform/deps.ts";
import { batcher, type Batcher } from "../platform/db/batch.ts";
import { statement, type Database } from "../platform/db/connect.ts";
import { unitLifecycle, type UnitStatus } from "../platform/lifecycle/lifecycles.ts";
import type { Address } from "./address.ts";
import { assembleView, loadGift, type Gift, type GiftView } from "./gift-view.ts";
import { PUSH_ENQUEUE_CTE } from "../fulfillment/push/push.enqueue.ts";

export type RedeemResult =
  | { ok: true; view: GiftView }
  | { ok: false; code: "not_found" | "already_redeemed" | "unavailable" | "expired" | "not_a_choice" | "country_not_shipped" | "out_of_stock" };

/**
 * The redemption write for a batch of redemptions of distinct units (one, when requests are
 * few), as one statement, so one atomic implicit transaction with its own commit (no
 * BEGIN/COMMIT round trips). In order:
 * - `units`: lock each unit only if it still has the version and status its request's
 *   checks saw (optimistic lock: a unit that changed is left out, and its request reads it
 *   again), in id order;
 * - `variants`: then lock the chosen variants (not deleted), in id order, after every unit
 *   (the ARRAY subquery is evaluated before the scan locks anything);
 * - `granted`: per variant, the locked requests in request order, as many as its stock
 *   allows (all of them when it is not tracked);
 * - reserve them on the variant, move each granted unit to `redeemed` with its choice and
 *   address, and record each transition as the unit lifecycle does (`unitLifecycle`).
 * All of it happens or none. A popular variant's row is locked only while this statement
 * runs and commits, never across a round trip, and once per batch instead of once per
 * redemption.
 */
const REDEEM = statement(
  `WITH req AS MATERIALIZED (
     SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::uuid[], $5::jsonb[], $6::timestamptz[]) WITH ORDINALITY
       AS r(unit_id, version, status, variant_id, address, redeemed_at, n)
   ), units AS MATERIALIZED (
     SELECT f.id FROM fulfillment_unit f JOIN req r ON f.id = r.unit_id AND f.version = r.version AND f.status::text = r.status
     ORDER BY f.id
     FOR UPDATE OF f
   ), variants AS MATERIALIZED (
     SELECT v.id, v.inventory_tracked AS tracked, GREATEST(v.inventory_quantity - v.inventory_reserved, 0) AS avail
     FROM variant v
     WHERE v.id = ANY (ARRAY(SELECT r.variant_id FROM req r JOIN units u ON u.id = r.unit_id)) AND v.deleted_at IS NULL
     ORDER BY v.id
     FOR UPDATE
   ), granted AS MATERIALIZED (
     SELECT q.unit_id, q.variant_id, q.status, q.address, q.redeemed_at
     FROM (SELECT r.*, row_number() OVER (PARTITION BY r.variant_id ORDER BY r.n) AS k FROM req r JOIN units u ON u.id = r.unit_id) q
     JOIN variants v ON v.id = q.variant_id
     WHERE NOT v.tracked OR q.k <= v.avail
   ), res AS (
     UPDATE variant v SET inventory_reserved = v.inventory_reserved + g.cnt
     FROM (SELECT variant_id, count(*)::int AS cnt FROM granted GROUP BY variant_id) g
     WHERE v.id = g.variant_id
     RETURNING v.id, GREATEST(v.inventory_quantity - v.inventory_reserved, 0) AS available
   ), upd AS (
     UPDATE fulfillment_unit f
     SET status = 'redeemed', version = f.version + 1, updated_at = now(),
         chosen_variant_id = g.variant_id, shipping_address = g.address, redeemed_at = g.redeemed_at
     FROM granted g
     WHERE f.id = g.unit_id
     RETURNING f.id, f.version, g.status AS from_status
   ), tr AS (
     INSERT INTO state_transition (id, entity, entity_id, from_state, to_state, version, actor, reason)
     SELECT gen_random_uuid(), 'fulfillment_unit', upd.id, upd.from_status, 'redeemed', upd.version, 'recipient', 'gift redeemed'
     FROM upd
     RETURNING entity_id
   ), ${PUSH_ENQUEUE_CTE /* order push (core/src/fulfillment/push): enqueued in this statement, so it commits with the redemption */}
   SELECT r.n::int AS n, u.id IS NOT NULL AS locked, t.entity_id IS NOT NULL AS redeemed, s.available
   FROM req r
   LEFT JOIN units u ON u.id = r.unit_id
   LEFT JOIN tr t ON t.entity_id = r.unit_id
   LEFT JOIN res s ON s.id = r.variant_id
   ORDER BY r.n`,
);

interface RedeemWrite {
  unitId: string;
  version: number;
  status: string;
  variantId: string;
  address: Address;
  at: Date;
}

interface WriteOutcome {
  /** The unit was still as read (else nothing was written: read it again). */
  locked: boolean;
  /** Redeemed; false with `locked`: the choice is out of stock. */
  redeemed: boolean;
  /** The variant's stock after this write, when it was reserved. */
  available: number | null;
}

async function writeRedemptions(db: Database, writes: RedeemWrite[]): Promise<WriteOutcome[]> {
  const rows = await db.sql.query<{ n: number; locked: boolean; redeemed: boolean; available: number | null }>(REDEEM, [
    writes.map((w) => w.unitId),
    writes.map((w) => w.version),
    writes.map((w) => w.status),
    writes.map((w) => w.variantId),
    writes.map((w) => JSON.stringify(w.address)),
    writes.map((w) => w.at),
  ]);
  return rows.map((r) => ({ locked: r.locked, redeemed: r.redeemed, available: r.available === null ? null : Number(r.available) }));
}

const writers = new WeakMap<Database, Batcher<RedeemWrite, WriteOutcome>>();
function writer(db: Database): Batcher<RedeemWrite, WriteOutcome> {
  let w = writers.get(db);
  if (!w) {
    // Two writes for one unit never share a statement: the later one runs after, finds the unit changed and reads it again.
    // Redemptions of one popular variant serialize on its row anyway: at most two statements
    // (one committing, one ready) hold connections; the rest gather into the next batch.
    w = batcher((writes: RedeemWrite[]) => writeRedemptions(db, writes), { key: (x) => x.unitId, maxInFlight: 2 });
    writers.set(db, w);
  }
  return w;
}

/** How often a unit that changed between the read and the write (e.g. its email was just sent) is read again. */
const MAX_ATTEMPTS = 5;

/** PostgreSQL's deadlock_detected and serialization_failure: the write changed nothing, so it is tried again. */
function isRetryable(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === "40P01" || code === "40001";
}

/**
 * Redeems a unit: the recipient's choice and address, once. The unit is read (with its
 * offer's choices and the vendor's shipping countries) and checked, then written by one
 * statement that applies only if the unit is still as read; if it changed meanwhile, it is
 * read and checked again, so of concurrent attempts exactly one redeems and the others find
 * it redeemed. The chosen variant's stock is reserved in the same statement
 * (inventory_reserved), so two recipients cannot both take the last one. Concurrent
 * redemptions share their reads and their write statement (see `batcher`). The result
 * carries the gift as it now stands.
 */
export async function redeemUnit(
  deps: Pick<Deps, "db">,
  unitId: string,
  input: { variantId: string; address: Address },
  now = new Date(),
): Promise<RedeemResult> {
  for (let attempt = 1; ; attempt++) {
    const gift = await loadGift(deps.db, unitId);
    if (!gift) return { ok: false, code: "not_found" };
    const refused = check(gift, input, now);
    if (refused) return { ok: false, code: refused };
    const u = gift.row;
    let w: WriteOutcome;
    try {
      w = await writer(deps.db).call({ unitId: u.id, version: u.version, status: u.status, variantId: input.variantId, address: input.address, at: now });
    } catch (err) {
      if (isRetryable(err) && attempt < MAX_ATTEMPTS) continue;
      throw err;
    }
    if (!w.locked) {
      if (attempt < MAX_ATTEMPTS) continue;
      throw new Error(`unit ${u.id} kept changing during redemption`);
    }
    if (!w.redeemed) return { ok: false, code: "out_of_stock" };
    // The gift as it now stands: this read with this write applied (the chosen variant's stock as the write left it).
    const offerChoices = gift.offerChoices.map((c) =>
      c.variantId === input.variantId && c.available !== null && w.available !== null ? { ...c, available: w.available } : c,
    );
    const row = { ...u, status: "redeemed", version: u.version + 1, chosen_variant_id: input.variantId, shipping_address: input.address, redeemed_at: now };
    return { ok: true, view: assembleView({ row, offerChoices }, now) };
  }
}

type Refusal = Exclude<RedeemResult, { ok: true }>["code"];

function check(gift: Gift, input: { variantId: string; address: Address }, now: Date): Refusal | undefined {
  const u = gift.row;
  if (["redeemed", "pushed", "shipped", "delivered"].includes(u.status)) return "already_redeemed";
  if (!unitLifecycle.canMove(u.status as UnitStatus, "redeemed")) return "unavailable";
  if (new Date(u.expires_at) <= now) return "expired";
  if (!u.choices.includes(input.variantId)) return "not_a_choice";
  if (!u.countries.includes(input.address.country) && !u.countries.includes("*")) return "country_not_shipped";
  return undefined;
}
