/**
 * Which module owns each table. The owner is the only module whose SQL or Prisma calls write
 * the table; every other module changes it through the owner's exported functions (or SQL
 * fragments, for a statement that must do it inline, like `jobInsertSql` or
 * `reserveStockSql`). A module is a folder under core/src (a few platform parts are modules
 * of their own); `shopify-app` is the embedded app's workspace.
 *
 * `table-ownership.test.ts` scans core/src for writes and fails on a write by another module
 * that `SHARED_WRITES` does not list, and on a table without an owner here (so a migration
 * that adds a table adds its owner too). README.md's Architecture section shows this map.
 */
export const TABLE_OWNERS = {
  // platform
  audit_log: "platform",
  secret: "platform/secrets",
  state_transition: "platform/lifecycle",
  web_login_token: "platform/web-session",
  web_session: "platform/web-session",
  schema_migrations: "platform/db",
  // jobs
  job: "jobs",
  dead_letter: "jobs",
  job_effect: "jobs",
  // webhooks
  webhook_event: "webhooks",
  // vendors
  vendor: "vendors",
  // catalog
  product: "catalog",
  product_option: "catalog",
  variant: "catalog",
  product_image: "catalog",
  catalog_sync: "catalog",
  // offers
  gift_offer: "offers",
  gift_offer_item: "offers",
  // storefronts
  storefront: "storefronts",
  storefront_offer: "storefronts",
  shipping_rule: "storefronts",
  // buyers
  buyer_org: "buyers",
  buyer_member: "buyers",
  buyer_api_key: "buyers",
  // orders
  gift_order: "orders",
  order_recipient: "orders",
  // fulfillment
  fulfillment_unit: "fulfillment",
  // redemption
  attempt_window: "redemption",
  attempt_lock: "redemption",
  // payments
  refund: "payments",
  // payouts
  payout_settings: "payouts",
  vendor_payout_settings: "payouts",
  payout_run: "payouts",
  payout: "payouts",
  payout_line: "payouts",
  payout_transfer: "payouts",
  payout_adjustment: "payouts",
  // accounting
  xero_connection: "accounting",
  xero_oauth_state: "accounting",
  accounting_record: "accounting",
  xero_contact_link: "accounting",
  xero_call: "accounting",
  reconciliation_day: "accounting",
  staff_account: "accounting",
  // the embedded app's Shopify session storage
  Session: "shopify-app",
} as const satisfies Record<string, string>;

export type Table = keyof typeof TABLE_OWNERS;
export type Owner = (typeof TABLE_OWNERS)[Table];

export type WriteKind = "insert" | "update" | "delete";

/**
 * Writes by a module to a table it does not own, each with its reason. Keep it short: a new
 * cross-module write belongs in the owner's functions instead.
 */
export interface SharedWrite {
  /** The writing module, or "*" for every module. */
  writer: string;
  tables: readonly Table[];
  /** Which kinds of write are allowed (default: all). */
  kinds?: readonly WriteKind[];
  reason: string;
}

export const SHARED_WRITES: readonly SharedWrite[] = [
  {
    writer: "*",
    tables: ["audit_log"],
    kinds: ["insert"],
    reason: "append-only record of who did what: each module appends its own actions; only the platform changes or deletes rows",
  },
  {
    writer: "compliance",
    tables: [
      "Session", "secret", "vendor", "webhook_event", "product", "variant", "catalog_sync", "gift_offer",
      "storefront", "shipping_rule", "order_recipient", "fulfillment_unit",
    ],
    // Its scrubbers of JSON columns (job, dead_letter, webhook_event and audit_log payloads)
    // take the table as a parameter, which the scan does not see.
    reason: "uninstall, shop redact and customer-data erasure act on every owner's rows by law, in one transaction; the erasure list is compliance's",
  },
  {
    writer: "payouts",
    tables: ["vendor"],
    kinds: ["update"],
    reason: "the vendor's connected-account columns (stripe_account_id, payout_account_*) are the payouts module's, kept on the vendor row",
  },
  {
    writer: "orders",
    tables: ["fulfillment_unit"],
    kinds: ["insert"],
    reason: "splitting a paid order creates its units in the statement that splits it (orders/split-order.ts)",
  },
  {
    writer: "redemption",
    tables: ["fulfillment_unit"],
    kinds: ["update"],
    reason: "the recipient's part of the unit (choice, address, thank-you note), written in the statement that checks and redeems it",
  },
  {
    writer: "reminders",
    tables: ["fulfillment_unit"],
    kinds: ["update"],
    reason: "the reminder schedule columns (reminder_next_at, reminders_sent), moved in the sweep that enqueues the reminders",
  },
];

/** Owners with the tables each owns, in the order of `TABLE_OWNERS`. */
export function tablesByOwner(): Map<string, Table[]> {
  const out = new Map<string, Table[]>();
  for (const [table, owner] of Object.entries(TABLE_OWNERS) as Array<[Table, Owner]>) {
    const list = out.get(owner) ?? [];
    list.push(table);
    out.set(owner, list);
  }
  return out;
}
