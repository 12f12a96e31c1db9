import type { Deps } from "../platform/deps.ts";
import { unitLifecycle } from "../platform/lifecycle/lifecycles.ts";
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
  return deps.db.prisma.$transaction(async (tx) => {
    const [unit] = await tx.$queryRawUnsafe<
      Array<{ status: string; version: number; choices: string[]; expires_at: Date; vendor_id: string }>
    >(
      "SELECT status::text, version, choices, expires_at, vendor_id::text FROM fulfillment_unit WHERE id = $1::uuid FOR UPDATE",
      unitId,
    );
    if (!unit) return { ok: false, code: "not_found" } as const;
    if (["redeemed", "pushed", "shipped", "delivered"].includes(unit.status)) return { ok: false, code: "already_redeemed" } as const;
    if (unit.status !== "issued" && unit.status !== "sent") return { ok: false, code: "unavailable" } as const;
    if (new Date(unit.expires_at) <= now) return { ok: false, code: "expired" } as const;
    if (!unit.choices.includes(input.variantId)) return { ok: false, code: "not_a_choice" } as const;
    const rule = await tx.$queryRawUnsafe<Array<{ country: string }>>(
      "SELECT country FROM shipping_rule WHERE vendor_id = $1::uuid AND country IN ($2, '*') LIMIT 1",
      unit.vendor_id,
      input.address.country,
    );
    if (!rule[0]) return { ok: false, code: "country_not_shipped" } as const;
    const reserved = await tx.$executeRawUnsafe(
      `UPDATE variant SET inventory_reserved = inventory_reserved + 1
       WHERE id = $1::uuid AND deleted_at IS NULL AND (NOT inventory_tracked OR inventory_quantity - inventory_reserved > 0)`,
      input.variantId,
    );
    if (reserved === 0) return { ok: false, code: "out_of_stock" } as const;
    await unitLifecycle.transition(tx, {
      id: unitId,
      to: "redeemed",
      expectedVersion: unit.version,
      actor: "recipient",
      reason: "gift redeemed",
      set: { chosen_variant_id: input.variantId, shipping_address: JSON.stringify(input.address), redeemed_at: now },
    });
    return { ok: true } as const;
  });
}
