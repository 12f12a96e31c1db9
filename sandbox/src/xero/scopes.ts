/**
 * OAuth scopes: what the consent screen may grant and which Accounting operations each
 * allows. Xero's granular scopes (apps created since March 2026) split the old
 * `accounting.transactions` into invoices (with credit notes), payments and bank
 * transactions; both the granular and the old scopes are accepted (see SPEC_ALLOW_LIST).
 */

export const SCOPE_DESCRIPTIONS: Record<string, string> = {
  openid: "Your Xero user identifier",
  profile: "Your name",
  email: "Your email address",
  offline_access: "Keep access when you are not signed in (up to 60 days between uses)",
  "accounting.settings": "View and manage your organisation settings (chart of accounts, tax rates, tracking)",
  "accounting.settings.read": "View your organisation settings",
  "accounting.contacts": "View and manage your contacts",
  "accounting.contacts.read": "View your contacts",
  "accounting.invoices": "View and manage your invoices, bills and credit notes",
  "accounting.invoices.read": "View your invoices, bills and credit notes",
  "accounting.payments": "View and manage your payments",
  "accounting.payments.read": "View your payments",
  "accounting.banktransactions": "View and manage your bank transactions",
  "accounting.banktransactions.read": "View your bank transactions",
  "accounting.manualjournals": "View and manage your manual journals",
  "accounting.manualjournals.read": "View your manual journals",
  "accounting.transactions": "View and manage your business transactions",
  "accounting.transactions.read": "View your business transactions",
  "accounting.attachments": "View and manage attachments",
  "accounting.attachments.read": "View attachments",
  "accounting.reports.read": "View your reports",
  "accounting.budgets.read": "View your budgets",
  "accounting.journals.read": "View your general ledger",
};

export const IDENTITY_SCOPES = new Set(["openid", "profile", "email", "offline_access"]);

type Area = "settings" | "contacts" | "invoices" | "payments" | "banktransactions";

/** The scope area an Accounting operation needs, from its yaml operationId. */
export function areaOf(operationId: string): Area | null {
  const id = operationId.toLowerCase();
  if (/contact/.test(id)) return "contacts";
  if (/creditnote|invoice/.test(id)) return "invoices";
  if (/payment/.test(id)) return "payments";
  if (/banktransaction/.test(id)) return "banktransactions";
  if (/account|taxrate|tracking|organisation|currenc/.test(id)) return "settings";
  return null;
}

/** Whether `granted` allows the operation (reads accept the `.read` scopes). */
export function scopeAllows(granted: ReadonlySet<string>, operationId: string, method: string): boolean {
  const area = areaOf(operationId);
  if (!area) return false;
  const read = method === "GET";
  const names = [`accounting.${area}`, ...(read ? [`accounting.${area}.read`] : [])];
  if (area === "invoices" || area === "payments" || area === "banktransactions") names.push("accounting.transactions", ...(read ? ["accounting.transactions.read"] : []));
  return names.some((n) => granted.has(n));
}

export function needsOrganisation(scopes: readonly string[]): boolean {
  return scopes.some((s) => s.startsWith("accounting."));
}
