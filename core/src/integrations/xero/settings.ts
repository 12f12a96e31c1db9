import type { XeroCaller } from "./call.ts";
import { accountFromXero, taxRateFromXero, trackingCategoryFromXero } from "./mapping.ts";
import type { XeroAccounting } from "./xero.ts";

export type XeroSettingsApi = Pick<
  XeroAccounting,
  "organisation" | "currencies" | "accounts" | "taxRates" | "trackingCategories" | "createTrackingOption"
>;

/** The organisation and its settings (scope `accounting.settings`): accounts, tax rates, currencies, tracking. */
export function xeroSettingsApi(xero: XeroCaller): XeroSettingsApi {
  return {
    async organisation(auth) {
      return xero.one(auth, (a, t) => a.getOrganisations(t), "organisations", (o) => ({
        tenantId: String(o.organisationID),
        name: String(o.name),
        baseCurrency: String(o.baseCurrency),
        countryCode: String(o.countryCode ?? ""),
      }));
    },
    async currencies(auth) {
      return xero.list(auth, (a, t) => a.getCurrencies(t), "currencies", (c) => String(c.code));
    },
    async accounts(auth, query = {}) {
      return xero.list(auth, (a, t) => a.getAccounts(t, undefined, query.where), "accounts", accountFromXero);
    },
    async taxRates(auth) {
      return xero.list(auth, (a, t) => a.getTaxRates(t), "taxRates", taxRateFromXero);
    },
    async trackingCategories(auth) {
      return xero.list(auth, (a, t) => a.getTrackingCategories(t), "trackingCategories", trackingCategoryFromXero);
    },
    async createTrackingOption(auth, categoryId, name, idempotencyKey) {
      return xero.one(auth, (a, t) => a.createTrackingOptions(t, categoryId, { name }, idempotencyKey), "options", (o) => ({
        optionId: String(o.trackingOptionID),
        name: String(o.name),
        status: String(o.status),
      }));
    },
  };
}
