import type { Deps } from "@giftloop/core/platform/deps";
import { connectWithConsent } from "@giftloop/core/accounting/xero-connect";
import { platformContext } from "@giftloop/core/platform/use-case";
import type { XeroMapping } from "@giftloop/core/accounting/xero-connection";
import type { OrgSeed, XeroStandIn } from "./server.ts";

/**
 * Sandbox mode: the demo platform's Xero organisation in the Xero stand-in, connected on every
 * start through the product's own OAuth flow (consent given as the stand-in's "Allow" button
 * does) and mapped to the demo chart of accounts. The stand-in keeps its books in memory, so
 * contacts cached from an earlier start are forgotten first.
 */
export const DEMO_XERO_TENANT_ID = "6d5f3c0e-2b7a-4c59-9d1e-000000000001";

export const DEMO_XERO_ORGS: OrgSeed[] = [
  { tenantId: DEMO_XERO_TENANT_ID, name: "Giftloop Platform (US)", baseCurrency: "USD", currencies: ["EUR", "GBP"], countryCode: "US" },
  { name: "Giftloop Europe BV", baseCurrency: "EUR", countryCode: "NL", taxRate: 21 },
];

export const DEMO_XERO_MAPPING: XeroMapping = {
  billsAccountCode: "320",
  taxType: "NONE",
  trackingCategory: "Brand",
  clearingAccountCode: "091",
  salesAccountCode: "200",
  feesAccountCode: "405",
};

export async function connectDemoXero(deps: Deps, standIn: XeroStandIn): Promise<void> {
  await deps.db.sql.execute(`DELETE FROM xero_contact_link WHERE tenant_id = $1`, [DEMO_XERO_TENANT_ID]);
  const ctx = platformContext({ db: deps.db, actor: "sandbox", log: deps.log });
  const connected = await connectWithConsent(ctx, deps, (url) => standIn.consent(url, { tenantIds: [DEMO_XERO_TENANT_ID] }), DEMO_XERO_MAPPING);
  if (!connected.ok) throw new Error(`connecting the demo Xero organisation: ${connected.code}: ${connected.detail}`);
}
