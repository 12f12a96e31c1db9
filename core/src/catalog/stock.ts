import type { TxSql } from "../platform/lifecycle/lifecycle.ts";

/**
 * A variant's stock, owned by the catalog: `inventory_quantity` is Shopify's count (mirrored
 * by catalog sync and the inventory webhook), `inventory_reserved` what redeemed gifts hold
 * until their Shopify order exists. Other modules reserve and release only through these
 * functions; a statement that must do it inline (e.g. the redemption, which locks, checks
 * and reserves in one statement) uses the SQL forms.
 */

/** What a variant row `v` has left to give: its count less what is reserved, never below 0. */
export const availableStockSql = (v: string) => `GREATEST(${v}.inventory_quantity - ${v}.inventory_reserved, 0)`;

/**
 * An UPDATE that reserves `n` of each variant `id` of `from` (a subquery or CTE with columns
 * `id` and `n`, at most one row per variant), returning each variant's `id`, `tracked` and
 * `available` as the reservation left it.
 */
export function reserveStockSql(from: string): string {
  return `UPDATE variant v SET inventory_reserved = v.inventory_reserved + r.n
     FROM ${from} r
     WHERE v.id = r.id
     RETURNING v.id, v.inventory_tracked AS tracked, ${availableStockSql("v")} AS available`;
}

/**
 * An UPDATE that gives back `n` of each variant `id` of `from` (columns `id` and `n`, at most
 * one row per variant): the stock a redeemed gift held, when it no longer needs it (its
 * Shopify order exists, or it was canceled). Never below 0.
 */
export function releaseStockSql(from: string): string {
  return `UPDATE variant v SET inventory_reserved = GREATEST(v.inventory_reserved - r.n, 0)
     FROM ${from} r
     WHERE v.id = r.id`;
}

const RELEASE_ONE = releaseStockSql("(SELECT $1::uuid AS id, $2::int AS n)");

/** Gives back `n` (default 1) of a variant's reserved stock in the caller's transaction. */
export async function releaseStock(tx: TxSql, variantId: string, n = 1): Promise<void> {
  await tx.$executeRawUnsafe(RELEASE_ONE, variantId, n);
}
