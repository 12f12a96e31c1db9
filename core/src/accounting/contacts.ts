import type { Deps } from "../platform/deps.ts";
import { XeroValidation } from "../integrations/xero/xero.ts";
import { NeedsAttention } from "./document-steps.ts";
import type { XeroCaller } from "./xero-calls.ts";

/**
 * A party's Xero contact, cached in `xero_contact_link` (which also caches brands' tracking options): looked up by our contact number
 * (`gl-<party>-<id>`), else created with an idempotency key of the party, once per
 * organisation. A name Xero already has for another contact gets our short id appended.
 */
export interface Party {
  party: "buyer" | "vendor" | "stripe";
  partyId: string;
  name: string;
  email?: string | null;
}

export async function ensureContact(deps: Deps, x: XeroCaller, p: Party): Promise<string> {
  const tenantId = x.session.auth.tenantId;
  const [cached] = await deps.db.sql.query<{ contact_id: string }>(
    `SELECT contact_id FROM xero_contact_link WHERE tenant_id = $1 AND party = $2 AND party_id = $3`,
    [tenantId, p.party, p.partyId],
  );
  if (cached) return cached.contact_id;
  const number = `gl-${p.party}-${p.partyId}`.slice(0, 50);
  const found = await x.call((xero, auth) => xero.contacts(auth, { where: `ContactNumber=="${number}"`, includeArchived: true }));
  let contactId = found.value[0]?.contactId;
  if (!contactId) contactId = await createContact(x, p, number);
  await deps.db.sql.execute(
    `INSERT INTO xero_contact_link (tenant_id, party, party_id, contact_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
    [tenantId, p.party, p.partyId, contactId],
  );
  return contactId;
}

async function createContact(x: XeroCaller, p: Party, number: string): Promise<string> {
  const names = [p.name.trim() || number, `${p.name.trim()} (${p.partyId.slice(0, 8)})`];
  let last: string[] = [];
  for (const [i, name] of names.entries()) {
    const r = await x.call((xero, auth) =>
      xero.createContacts(auth, [{ name: name.slice(0, 255), contactNumber: number, ...(p.email ? { email: p.email } : {}) }], `contact:${number}:${i}`),
    );
    const item = r.items[0];
    if (item?.ok) return item.value.contactId;
    last = item?.messages ?? ["Xero refused the contact"];
    if (!last.some((m) => /already (been )?(assigned|exists|used)/i.test(m))) break;
  }
  throw new NeedsAttention(`Xero refused the ${p.party}'s contact: ${last.join("; ")}`);
}

/**
 * The brand's option in the mapped tracking category (bill lines carry it), created in Xero
 * when missing and cached like a contact.
 */
export async function ensureTrackingOption(deps: Deps, x: XeroCaller, category: string, vendorId: string, name: string): Promise<void> {
  const tenantId = x.session.auth.tenantId;
  const key = `${category}:${vendorId}`;
  const [cached] = await deps.db.sql.query<{ contact_id: string }>(
    `SELECT contact_id FROM xero_contact_link WHERE tenant_id = $1 AND party = 'tracking_option' AND party_id = $2`,
    [tenantId, key],
  );
  if (cached) return;
  const cats = await x.call((xero, auth) => xero.trackingCategories(auth));
  const cat = cats.value.find((c) => c.name === category);
  if (!cat) throw new NeedsAttention(`Xero has no tracking category named ${category}: map another one`);
  let option = cat.options.find((o) => o.name.toLowerCase() === name.toLowerCase())?.optionId;
  if (!option) {
    try {
      option = (await x.call((xero, auth) => xero.createTrackingOption(auth, cat.categoryId, name, `tracking:${key}`))).value.optionId;
    } catch (err) {
      if (err instanceof XeroValidation) throw new NeedsAttention(`Xero refused the brand's tracking option "${name}": ${[...new Set(err.messages)].join("; ")}`);
      throw err;
    }
  }
  await deps.db.sql.execute(
    `INSERT INTO xero_contact_link (tenant_id, party, party_id, contact_id) VALUES ($1, 'tracking_option', $2, $3) ON CONFLICT DO NOTHING`,
    [tenantId, key, option],
  );
}
