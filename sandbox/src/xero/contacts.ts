import { randomUUID } from "node:crypto";
import { check, ItemInvalid } from "./errors.ts";
import type { Org, SContact } from "./state.ts";

/**
 * Contacts as Xero keeps them: the Name is required and unique among active contacts
 * (PUT refuses a duplicate; POST updates the contact it matches by ContactID, ContactNumber or
 * Name), ContactNumber is unique, an archived contact cannot be used on new documents.
 */

type Json = Record<string, unknown>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const FIELDS = ["ContactNumber", "AccountNumber", "FirstName", "LastName", "EmailAddress", "TaxNumber", "DefaultCurrency"] as const;

function activeByName(org: Org, name: string, except?: string): SContact | undefined {
  const n = name.trim().toLowerCase();
  for (const c of org.contacts.values()) if (c.ContactID !== except && c.ContactStatus === "ACTIVE" && c.Name.toLowerCase() === n) return c;
  return undefined;
}

function byNumber(org: Org, number: string, except?: string): SContact | undefined {
  for (const c of org.contacts.values()) if (c.ContactID !== except && c.ContactNumber?.toLowerCase() === number.toLowerCase()) return c;
  return undefined;
}

function validate(org: Org, item: Json, existing: SContact | undefined): string[] {
  const errors: string[] = [];
  const name = typeof item.Name === "string" ? item.Name : existing?.Name;
  if (!name || !name.trim()) errors.push("The contact name must be specified.");
  else {
    if (name.length > 255) errors.push("The contact name must be 255 characters or less.");
    if (/[<>]/.test(name)) errors.push("The contact name cannot contain angle brackets.");
    if (activeByName(org, name, existing?.ContactID)) {
      errors.push(`The contact name ${name.trim()} is already assigned to another contact. The contact name must be unique across all active contacts.`);
    }
  }
  if (typeof item.EmailAddress === "string" && item.EmailAddress !== "" && !EMAIL.test(item.EmailAddress)) errors.push("Email address must be valid.");
  if (typeof item.ContactNumber === "string" && item.ContactNumber.length > 50) errors.push("The ContactNumber must be 50 characters or less.");
  if (typeof item.ContactNumber === "string" && item.ContactNumber && byNumber(org, item.ContactNumber, existing?.ContactID)) {
    errors.push(`The contact number ${item.ContactNumber} is already assigned to another contact.`);
  }
  if (typeof item.DefaultCurrency === "string" && !org.currencies.has(item.DefaultCurrency)) errors.push(`Organisation is not subscribed to currency ${item.DefaultCurrency}`);
  return errors;
}

function apply(c: SContact, item: Json, now: number): void {
  if (typeof item.Name === "string") c.Name = item.Name.trim();
  for (const f of FIELDS) if (typeof item[f] === "string") (c as unknown as Record<string, unknown>)[f] = item[f];
  if (item.ContactStatus === "ACTIVE" || item.ContactStatus === "ARCHIVED") c.ContactStatus = item.ContactStatus;
  c.updatedAt = now;
}

/** PUT /Contacts element (with a ContactID it updates that contact). */
export function createContact(org: Org, item: Json, now: number): SContact {
  if (typeof item.ContactID === "string") return updateContact(org, item.ContactID, item, now);
  check(validate(org, item, undefined));
  const c: SContact = { ContactID: randomUUID(), Name: "", ContactStatus: "ACTIVE", IsSupplier: false, IsCustomer: false, updatedAt: now };
  apply(c, item, now);
  org.contacts.set(c.ContactID, c);
  return c;
}

/** POST /Contacts element: updates the contact matched by ContactID, ContactNumber or Name, or creates one. */
export function upsertContact(org: Org, item: Json, now: number): SContact {
  const match =
    (typeof item.ContactID === "string" ? org.contacts.get(item.ContactID) : undefined) ??
    (typeof item.ContactNumber === "string" && item.ContactNumber ? byNumber(org, item.ContactNumber) : undefined) ??
    (typeof item.Name === "string" ? activeByName(org, item.Name) : undefined);
  if (typeof item.ContactID === "string" && !match) throw new ItemInvalid([`The contact with ContactID ${item.ContactID} could not be found.`]);
  return match ? updateContact(org, match.ContactID, item, now) : createContact(org, item, now);
}

export function updateContact(org: Org, contactId: string, item: Json, now: number): SContact {
  const c = org.contacts.get(contactId);
  if (!c) throw new ItemInvalid([`The contact with ContactID ${contactId} could not be found.`]);
  check(validate(org, item, c));
  apply(c, item, now);
  return c;
}

/**
 * The contact a document names: by ContactID, else by Name (an unknown name creates the
 * contact, as Xero does: the caller stores it with the document). Archived contacts cannot
 * be used.
 */
export function documentContact(org: Org, raw: unknown, now: number, errors: string[]): SContact | undefined {
  const ref = raw && typeof raw === "object" ? (raw as Json) : undefined;
  if (!ref || (typeof ref.ContactID !== "string" && typeof ref.Name !== "string" && typeof ref.ContactNumber !== "string")) {
    errors.push("A Contact must be specified for this type of transaction");
    return undefined;
  }
  let c: SContact | undefined;
  if (typeof ref.ContactID === "string") {
    c = org.contacts.get(ref.ContactID);
    if (!c) {
      errors.push(`The contact with ContactID ${ref.ContactID} could not be found.`);
      return undefined;
    }
  } else if (typeof ref.ContactNumber === "string") {
    c = byNumber(org, ref.ContactNumber);
    if (!c) {
      errors.push(`The contact with ContactNumber ${ref.ContactNumber} could not be found.`);
      return undefined;
    }
  } else {
    c = activeByName(org, ref.Name as string);
    if (!c) {
      const created: SContact = { ContactID: randomUUID(), Name: (ref.Name as string).trim(), ContactStatus: "ACTIVE", IsSupplier: false, IsCustomer: false, updatedAt: now };
      if (!created.Name) {
        errors.push("The contact name must be specified.");
        return undefined;
      }
      // Kept only when the document is (contacts.set after its checks pass).
      c = created;
    }
  }
  if (c.ContactStatus !== "ACTIVE") {
    errors.push(`The contact '${c.Name}' is archived and cannot be used on new transactions.`);
    return undefined;
  }
  return c;
}
