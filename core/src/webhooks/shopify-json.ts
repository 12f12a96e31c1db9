import { isLosslessNumber, isSafeNumber, parse, type LosslessNumber } from "lossless-json";

/**
 * Shopify's REST payloads carry 64-bit ids as JSON numbers (its own examples use 18-digit
 * ones, e.g. `"id": 788032119674292922`), which `JSON.parse` rounds to the nearest double:
 * another product's id. Webhook bodies are read with this parse instead, which follows the
 * rule of Shopify's own API library (`@shopify/shopify-api`'s REST client):
 * - a number under a key `id` or `…_id`, or in an array under a key `…_ids` (and the
 *   compliance topics' `orders_requested` and `orders_to_redact`, lists of order ids),
 *   becomes its exact digits as a string, whatever its size;
 * - any other number stays a number when a double holds it exactly (amounts, counts), and
 *   becomes its exact digits as a string when it does not (`orders_requested: [ids]`).
 * So ids read from a payload are strings everywhere, and no number is silently changed.
 */
const ID_KEY = /^id$|_id$/i;
const IDS_KEY = /_ids$|^orders_requested$|^orders_to_redact$/i;

function revive(key: string, value: unknown): unknown {
  if (isLosslessNumber(value)) {
    const digits = (value as LosslessNumber).value;
    if (ID_KEY.test(key) || !isSafeNumber(digits)) return digits;
    return Number(digits);
  }
  if (Array.isArray(value) && IDS_KEY.test(key)) return value.map((v) => (typeof v === "number" ? String(v) : v));
  return value;
}

/** Parses a Shopify webhook body (JSON text) without losing any digit of its ids; throws SyntaxError when it is not JSON. */
export function parseShopifyJson(text: string): unknown {
  return parse(text, revive);
}
