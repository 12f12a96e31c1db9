import { describe, expect, it } from "vitest";
import { SPEC_ALLOW_LIST, XeroSpec } from "./spec.ts";

// The validators built from Xero's own yaml catch what they must: wrong types, bad UUIDs,
// unknown enum values, statuses the yaml does not list, missing required parameters; and the
// allow-list admits exactly what it documents.

const spec = XeroSpec.load();
const op = (method: string, path: string) => {
  const m = spec.match(method, path);
  if (!m) throw new Error(`no operation for ${method} ${path}`);
  return m;
};
const ID = "9b9ba9e5-e907-4b4e-8210-54d82b0aa479";

describe("Xero yaml validators", () => {
  it("matches requests to operations (case-insensitive paths, ids before numbers)", () => {
    expect(op("PUT", "/api.xro/2.0/Invoices").op.operationId).toBe("createInvoices");
    expect(op("GET", "/api.xro/2.0/invoices").op.operationId).toBe("getInvoices");
    expect(op("GET", `/api.xro/2.0/Contacts/${ID}`).op.operationId).toBe("getContact");
    expect(op("GET", "/api.xro/2.0/Contacts/SUP-001").op.operationId).toBe("getContactByContactNumber");
    expect(op("PUT", `/api.xro/2.0/CreditNotes/${ID}/Allocations`).op.operationId).toBe("createCreditNoteAllocation");
    expect(op("GET", "/connections").op.operationId).toBe("getConnections");
    expect(op("DELETE", `/connections/${ID}`).op.operationId).toBe("deleteConnection");
    expect(spec.match("GET", "/api.xro/2.0/NoSuchThing")).toBeNull();
  });

  it("finds what is wrong with a request", () => {
    const m = op("PUT", "/api.xro/2.0/Invoices");
    const errors = spec.validateRequest(m.op, {
      query: new URLSearchParams("summarizeErrors=maybe"),
      headers: {},
      pathParams: {},
      body: { Invoices: [{ Type: "BILL", LineItems: [{ Quantity: "two" }] }] },
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        "header parameter xero-tenant-id is required",
        "query parameter summarizeErrors must be boolean",
        expect.stringMatching(/^body\/Invoices\/0\/Type must be equal to one of the allowed values/),
        "body/Invoices/0/LineItems/0/Quantity must be number",
      ]),
    );
    const ok = spec.validateRequest(m.op, {
      query: new URLSearchParams("summarizeErrors=false&unitdp=4"),
      headers: { "xero-tenant-id": ID, "idempotency-key": "k" },
      pathParams: {},
      body: { Invoices: [{ Type: "ACCPAY", Contact: { ContactID: ID }, LineItems: [{ Quantity: 2, UnitAmount: 1.5 }] }] },
    });
    expect(ok).toEqual([]);
    const list = op("GET", "/api.xro/2.0/Invoices");
    expect(spec.validateRequest(list.op, { query: new URLSearchParams(`IDs=${ID},nope`), headers: { "xero-tenant-id": ID }, pathParams: {}, body: undefined })).toEqual([
      'query parameter IDs/1 must match format "uuid"',
    ]);
  });

  it("finds what is wrong with an answer, and admits only the documented exceptions", () => {
    const m = op("PUT", "/api.xro/2.0/Invoices");
    expect(spec.validateResponse(m.op, 200, { Invoices: [{ InvoiceID: "not-a-uuid", Total: "12.00", Status: "OPEN" }] })).toEqual(
      expect.arrayContaining([
        'response 200 body/Invoices/0/InvoiceID must match format "uuid"',
        "response 200 body/Invoices/0/Total must be number",
        expect.stringMatching(/^response 200 body\/Invoices\/0\/Status must be equal to one of the allowed values/),
      ]),
    );
    expect(spec.validateResponse(m.op, 400, { ErrorNumber: "10", Type: "ValidationException" })).toEqual(["response 400 body/ErrorNumber must be integer"]);
    expect(spec.validateResponse(m.op, 418, {})).toEqual(["status 418 is not a response of createInvoices in the yaml (and not on the allow-list)"]);
    expect(spec.validateResponse(m.op, 404, "")).toHaveLength(1);
    for (const status of [401, 403, 429, 500, 503]) expect(spec.validateResponse(m.op, status, {})).toEqual([]);
    expect(spec.validateResponse(op("GET", `/api.xro/2.0/Invoices/${ID}`).op, 404, "")).toEqual([]);
    expect(spec.validateResponse(op("GET", "/api.xro/2.0/Invoices").op, 400, { ErrorNumber: 16, Type: "QueryParseException", Message: "x" })).toEqual([]);
    expect(spec.validateResponse(op("GET", "/connections").op, 200, [{ id: ID, tenantId: "x", createdDateUtc: "2019-12-07T18:46:19.5165400" }])).toEqual([
      'response 200 body/0/tenantId must match format "uuid"',
      'response 200 body/0/createdDateUtc must match format "date-time"',
    ]);
    expect(spec.validateComponent("identity", "AccessToken", { access_token: "x", expires_in: "1800" })).toEqual(["AccessToken/expires_in must be integer"]);
    expect(SPEC_ALLOW_LIST.length).toBeLessThanOrEqual(10);
  });
});
