import type { Deps } from "../platform/deps.ts";
import { rawTx } from "../platform/lifecycle/lifecycle.ts";
import { unitLifecycle, type UnitStatus } from "../platform/lifecycle/lifecycles.ts";
import type { Address } from "./address.ts";

export type RedeemResult =
  | { ok: true }
  | { ok: false; code: "not_found" | "already_redeemed" | "unavailable" | "expired" | "not_a_choice" | "country_not_shipped" | "out_of_stock" };

/**
 * Redeems a unit: the recipient's choice and address, once. The unit row is locked first, so
 * concurrent attempts queue behind each other and all but the first find it redeemed. The
 * chosen variant's stock is reserved in the same transaction (inventory_reserved), so two
 * recipients cannot both take the last one.
 */
export async function redeemUnit(
  deps: Pick<Deps, "db">,
  unitId: string,
  input: { variantId: string; address: Address },
  now = new Date(),
): Promise<RedeemResult> {
  // A raw transaction: four statements on one connection (the hot path under a rush of
  // recipients), no ORM round trips.
  return deps.db.transaction(async (sqlTx) => {
    const [unit] = await sqlTx.query<{ status: string; version: number; choices: string[]; expires_at: Date; ships: boolean }>(
      `SELECT u.status::text, u.version, u.choices, u.expires_at,
              EXISTS (SELECT 1 FROM shipping_rule r WHERE r.vendor_id = u.vendor_id AND r.country IN ($2, '*')) AS ships
       FROM fulfillment_unit u WHERE u.id = $1::uuid FOR UPDATE`,
      [unitId, input.address.country],
    );
    if (!unit) return { ok: false, code: "not_found" } as const;
    if (["redeemed", "pushed", "shipped", "delivered"].includes(unit.status)) return { ok: false, code: "already_redeemed" } as const;
    if (unit.status !== "issued" && unit.status !== "sent") return { ok: false, code: "unavailable" } as const;
    if (new Date(unit.expires_at) <= now) return { ok: false, code: "expired" } as const;
    if (!unit.choices.includes(input.variantId)) return { ok: false, code: "not_a_choice" } as const;
    if (!unit.ships) return { ok: false, code: "country_not_shipped" } as const;
    const reserved = await sqlTx.execute(
      `UPDATE variant SET inventory_reserved = inventory_reserved + 1
       WHERE id = $1::uuid AND deleted_at IS NULL AND (NOT inventory_tracked OR inventory_quantity - inventory_reserved > 0)`,
      [input.variantId],
    );
    if (reserved === 0) return { ok: false, code: "out_of_stock" } as const;
    await unitLifecycle.transition(rawTx(sqlTx), {
      id: unitId,
      to: "redeemed",
      expectedVersion: unit.version,
      locked: { status: unit.status as UnitStatus },
      actor: "recipient",
      reason: "gift redeemed",
      set: { chosen_variant_id: input.variantId, shipping_address: JSON.stringify(input.address), redeemed_at: now },
    });
    return { ok: true } as const;
  });
}
