import type { XeroCaller } from "./call.ts";
import { contactFromXero, type XeroModel } from "./mapping.ts";
import type { XeroContactInput } from "./types.ts";
import type { XeroAccounting } from "./xero.ts";

export type XeroContactsApi = Pick<XeroAccounting, "contacts" | "contact" | "createContacts" | "updateContact">;

export function xeroContactsApi(xero: XeroCaller): XeroContactsApi {
  return {
    async contacts(auth, q = {}) {
      return xero.list(
        auth,
        (a, t) => a.getContacts(t, undefined, q.where, undefined, q.ids, q.page ?? 1, q.includeArchived, undefined, undefined, q.pageSize),
        "contacts",
        contactFromXero,
      );
    },
    async contact(auth, contactId) {
      return xero.one(auth, (a, t) => a.getContact(t, contactId), "contacts", contactFromXero);
    },
    async createContacts(auth, contacts, idempotencyKey) {
      const body = { contacts: contacts.map(contactToXero) };
      return xero.batch(auth, (a, t) => a.createContacts(t, body as never, false, idempotencyKey), "contacts", contactFromXero);
    },
    async updateContact(auth, contactId, patch, idempotencyKey) {
      const body = { contacts: [contactToXero(patch)] };
      return xero.one(auth, (a, t) => a.updateContact(t, contactId, body as never, idempotencyKey), "contacts", contactFromXero);
    },
  };
}

function contactToXero(c: Partial<XeroContactInput>): XeroModel {
  return {
    ...(c.name !== undefined ? { name: c.name } : {}),
    ...(c.contactNumber !== undefined ? { contactNumber: c.contactNumber } : {}),
    ...(c.email !== undefined ? { emailAddress: c.email } : {}),
    ...(c.firstName !== undefined ? { firstName: c.firstName } : {}),
    ...(c.lastName !== undefined ? { lastName: c.lastName } : {}),
  };
}
