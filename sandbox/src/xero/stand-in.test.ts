import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startXeroStandIn, type XeroStandIn } from "./server.ts";

// The stand-in over plain HTTP, as raw JSON: Xero's shapes and rules that the xero-node tests
// (core/src/integrations/xero/xero.test.ts) do not reach.

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let x: XeroStandIn;
let token: string;
let tenant: string;

async function authorizeAndToken(scope: string): Promise<Json> {
  const c = x.client;
  const authorize = `${x.url}/identity/connect/authorize?${new URLSearchParams({ response_type: "code", client_id: c.clientId, redirect_uri: c.redirectUris[0] as string, scope, state: "s" })}`;
  const back = new URL(await x.consent(authorize, { tenantIds: [tenant] }));
  const res = await fetch(`${x.url}/connect/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString("base64")}` },
    body: new URLSearchParams({ grant_type: "authorization_code", code: back.searchParams.get("code") as string, redirect_uri: c.redirectUris[0] as string }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Json;
}

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await fetch(`${x.url}/api.xro/2.0${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "xero-tenant-id": tenant, "content-type": "application/json", ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text.startsWith("{") ? (JSON.parse(text) as Json) : { text }, headers: res.headers };
}

let supplier: string;
const line = (amount: number, extra: Json = {}) => ({ Description: "Gift", Quantity: 1, UnitAmount: amount, AccountCode: "320", TaxType: "NONE", ...extra });

beforeAll(async () => {
  x = await startXeroStandIn();
  tenant = x.organisationNamed("Platform").tenantId;
  token = (await authorizeAndToken("openid offline_access accounting.settings accounting.contacts accounting.invoices accounting.payments accounting.banktransactions")).access_token;
  const c = await api("PUT", "/Contacts", { Contacts: [{ Name: "Northwind" }] });
  supplier = c.body.Contacts[0].ContactID;
});

beforeEach(() => {
  x.requestViolations.length = 0;
});

afterAll(async () => {
  const violations = x.responseViolations.slice();
  await x.stop();
  expect(violations).toEqual([]);
});

describe("identity", () => {
  it("publishes discovery and keys; the id_token and access token are JWTs signed with them", async () => {
    const d = (await (await fetch(`${x.url}/.well-known/openid-configuration`)).json()) as Json;
    expect(d).toMatchObject({ issuer: "https://identity.xero.com", token_endpoint: "https://identity.xero.com/connect/token", authorization_endpoint: `${x.url}/identity/connect/authorize` });
    const jwks = (await (await fetch(`${x.url}/.well-known/openid-configuration/jwks`)).json()) as Json;
    expect(jwks.keys[0]).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig" });
    const t = await authorizeAndToken("openid email profile offline_access accounting.settings.read");
    expect(t).toMatchObject({ expires_in: 1800, token_type: "Bearer", scope: "openid email profile offline_access accounting.settings.read" });
    const claims = JSON.parse(Buffer.from(String(t.id_token).split(".")[1] as string, "base64url").toString()) as Json;
    expect(claims).toMatchObject({ iss: "https://identity.xero.com", email: "finance@giftloop.test" });
    const header = JSON.parse(Buffer.from(String(t.access_token).split(".")[0] as string, "base64url").toString()) as Json;
    expect(header.kid).toBe(jwks.keys[0].kid);
  });

  it("refuses unknown apps and redirect URIs on the page, and bad scopes back to the app", async () => {
    const base = `${x.url}/identity/connect/authorize`;
    const c = x.client;
    const unknown = await fetch(`${base}?${new URLSearchParams({ response_type: "code", client_id: "nobody", redirect_uri: c.redirectUris[0] as string, scope: "openid" })}`);
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain("There is no app with client_id");
    const badRedirect = await fetch(`${base}?${new URLSearchParams({ response_type: "code", client_id: c.clientId, redirect_uri: "https://evil.test/cb", scope: "openid" })}`);
    expect(badRedirect.status).toBe(400);
    const badScope = await fetch(`${base}?${new URLSearchParams({ response_type: "code", client_id: c.clientId, redirect_uri: c.redirectUris[0] as string, scope: "openid accounting.everything", state: "z" })}`, { redirect: "manual" });
    expect(badScope.status).toBe(302);
    const loc = new URL(badScope.headers.get("location") as string);
    expect([loc.searchParams.get("error"), loc.searchParams.get("state")]).toEqual(["invalid_scope", "z"]);
  });

  it("a read-only scope cannot write; a token without the organisation gets 403", async () => {
    const readOnly = await authorizeAndToken("offline_access accounting.settings.read accounting.contacts.read");
    const res = await fetch(`${x.url}/api.xro/2.0/Contacts`, {
      method: "PUT",
      headers: { authorization: `Bearer ${readOnly.access_token}`, "xero-tenant-id": tenant, "content-type": "application/json" },
      body: JSON.stringify({ Contacts: [{ Name: "X" }] }),
    });
    expect(res.status).toBe(403);
    const other = x.organisationNamed("Europe").tenantId;
    const res2 = await fetch(`${x.url}/api.xro/2.0/Organisation`, { headers: { authorization: `Bearer ${token}`, "xero-tenant-id": other } });
    expect(res2.status).toBe(403);
    expect(((await res2.json()) as Json).Detail).toBe("AuthorizationUnsuccessful");
  });
});

describe("accounting", () => {
  it("computes totals as Xero does: exclusive, inclusive, no tax, per-line rounding", async () => {
    const r = await api("PUT", "/Invoices", {
      Invoices: [
        { Type: "ACCREC", Contact: { ContactID: supplier }, Status: "AUTHORISED", LineAmountTypes: "Exclusive", LineItems: [line(10.05, { TaxType: "OUTPUT", AccountCode: "200", Quantity: 3 })] },
        { Type: "ACCREC", Contact: { ContactID: supplier }, Status: "AUTHORISED", LineAmountTypes: "Inclusive", LineItems: [line(110, { TaxType: "OUTPUT", AccountCode: "200" })] },
        { Type: "ACCREC", Contact: { ContactID: supplier }, Status: "AUTHORISED", LineAmountTypes: "NoTax", LineItems: [line(99.999, { AccountCode: "200" })] },
      ],
    });
    expect(r.status).toBe(200);
    const [ex, inc, none] = r.body.Invoices as Json[];
    expect([ex?.SubTotal, ex?.TotalTax, ex?.Total]).toEqual([30.15, 3.02, 33.17]);
    expect([inc?.SubTotal, inc?.TotalTax, inc?.Total]).toEqual([100, 10, 110]);
    expect([none?.SubTotal, none?.TotalTax, none?.Total, none?.LineItems[0].UnitAmount]).toEqual([100, 0, 100, 100]);
    expect(ex?.InvoiceNumber).toMatch(/^INV-\d{4}$/);
    expect(r.headers.get("x-minlimit-remaining")).toMatch(/^\d+$/);
    expect(r.headers.get("x-daylimit-remaining")).toMatch(/^\d+$/);
    expect(r.headers.get("x-appminlimit-remaining")).toMatch(/^\d+$/);
  });

  it("summarizeErrors (default): one bad element refuses the whole batch with Xero's ApiException, writing nothing", async () => {
    const before = x.organisation(tenant).invoices.size;
    const r = await api("PUT", "/Invoices", {
      Invoices: [
        { Type: "ACCPAY", Contact: { ContactID: supplier }, Status: "AUTHORISED", InvoiceNumber: "batch-ok", LineItems: [line(5)] },
        { Type: "ACCPAY", Contact: { ContactID: supplier }, Status: "AUTHORISED", InvoiceNumber: "batch-bad", LineItems: [line(5, { AccountCode: "999" })] },
      ],
    });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ ErrorNumber: 10, Type: "ValidationException", Message: "A validation exception occurred" });
    expect(r.body.Elements[0].ValidationErrors).toEqual([]);
    expect(r.body.Elements[1].ValidationErrors).toEqual([{ Message: "Account code '999' is not a valid code for this document." }]);
    expect(x.organisation(tenant).invoices.size).toBe(before);
  });

  it("summarizeErrors=false: every element with StatusAttributeString, partial success", async () => {
    const r = await api("PUT", "/Invoices?summarizeErrors=false", {
      Invoices: [
        { Type: "ACCPAY", Contact: { ContactID: supplier }, Status: "AUTHORISED", InvoiceNumber: "partial-ok", LineItems: [line(5)] },
        { Type: "ACCPAY", Contact: { ContactID: supplier }, Status: "AUTHORISED", InvoiceNumber: "partial-bad", LineItems: [line(5, { Tracking: [{ Name: "Brand", Option: "Nobody" }] })] },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body.Invoices.map((i: Json) => i.StatusAttributeString)).toEqual(["OK", "ERROR"]);
    expect(r.body.Invoices[1]).toMatchObject({ HasErrors: true, ValidationErrors: [{ Message: "Tracking option 'Nobody' does not exist for tracking category 'Brand'." }] });
    expect([...x.organisation(tenant).invoices.values()].map((i) => i.InvoiceNumber)).toContain("partial-ok");
  });

  it("ACCPAY bills keep no Reference (Xero's reference for bills is the InvoiceNumber)", async () => {
    const r = await api("PUT", "/Invoices", { Invoices: [{ Type: "ACCPAY", Contact: { ContactID: supplier }, InvoiceNumber: "ref-bill", Reference: "ignored", LineItems: [line(1)] }] });
    expect(r.body.Invoices[0].Reference).toBeUndefined();
    expect(r.body.Invoices[0].Status).toBe("DRAFT");
  });

  it("a request that breaks Xero's yaml is a 400, recorded for the tests", async () => {
    const r = await api("PUT", "/Invoices", { Invoices: [{ Type: "ACCPAY", LineItems: [{ UnitAmount: "5.00" }] }] });
    expect(r.status).toBe(400);
    expect(r.body.Elements[0].ValidationErrors[0].Message).toBe("body/Invoices/0/LineItems/0/UnitAmount must be number");
    expect(x.requestViolations).toEqual([expect.objectContaining({ operationId: "createInvoices" })]);
  });

  it("reads: where, paging with line items, lists without them, 404 and QueryParseException", async () => {
    const listed = await api("GET", `/Invoices?where=${encodeURIComponent('Type=="ACCPAY" AND Status=="AUTHORISED"')}`);
    expect(listed.body.Invoices.length).toBeGreaterThan(0);
    expect(listed.body.Invoices[0].LineItems).toBeUndefined();
    const paged = await api("GET", `/Invoices?page=1&pageSize=1&where=${encodeURIComponent('Type=="ACCPAY"')}`);
    expect(paged.body.Invoices).toHaveLength(1);
    expect(paged.body.Invoices[0].LineItems).toHaveLength(1);
    expect(paged.body.pagination).toMatchObject({ page: 1, pageSize: 1 });
    expect((await api("GET", "/Invoices/00000000-0000-0000-0000-000000000000")).status).toBe(404);
    const bad = await api("GET", `/Invoices?where=${encodeURIComponent('Colour=="red"')}`);
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ ErrorNumber: 16, Type: "QueryParseException", Message: "No property or field 'Colour' exists in type 'Invoice'" });
  });

  it("controls: archive an account, change the base currency, read the bills back", async () => {
    const archived = await fetch(`${x.url}/_sandbox/organisations/${tenant}/accounts/310/archive`, { method: "POST" });
    expect(((await archived.json()) as Json).Status).toBe("ARCHIVED");
    const accounts = await api("GET", `/Accounts?where=${encodeURIComponent('Code=="310"')}`);
    expect(accounts.body.Accounts[0].Status).toBe("ARCHIVED");
    const org = x.addOrganisation({ name: "Switching Ltd", baseCurrency: "GBP" });
    await fetch(`${x.url}/_sandbox/organisations/${org.tenantId}/base-currency`, { method: "POST", body: JSON.stringify({ currency: "AUD" }) });
    expect(org.baseCurrency).toBe("AUD");
    const bills = (await (await fetch(`${x.url}/_sandbox/organisations/${tenant}/invoices?type=ACCPAY`)).json()) as Json;
    expect(bills.invoices.every((i: Json) => i.Type === "ACCPAY")).toBe(true);
    expect(bills.invoices.map((i: Json) => i.InvoiceNumber)).toContain("partial-ok");
  });

  it("an answer that breaks the yaml is caught: recorded and (strict) turned into a 500", async () => {
    const strict = await startXeroStandIn({ organisations: [{ name: "Broken Books" }] });
    const prev = { x, token, tenant };
    try {
      const org = strict.organisationNamed("Broken");
      const account = [...org.accounts.values()][0];
      if (account) account.Type = "NOT-A-TYPE";
      x = strict;
      tenant = org.tenantId;
      token = (await authorizeAndToken("offline_access accounting.settings")).access_token;
      const r = await api("GET", "/Accounts");
      expect(r.status).toBe(500);
      expect(r.body.Title).toBe("Stand-in answer breaks Xero's yaml");
      expect(strict.responseViolations).toEqual([expect.objectContaining({ operationId: "getAccounts", errors: [expect.stringMatching(/Type must be equal to one of the allowed values/)] })]);
    } finally {
      ({ x, token, tenant } = prev);
      await strict.stop();
    }
  });

  it("rate limits: 429 with X-Rate-Limit-Problem and Retry-After; refused calls do not count", async () => {
    x.rateLimiter.reset();
    x.setLimits({ perMinute: 1 });
    try {
      expect((await api("GET", "/Organisation")).status).toBe(200);
      const r = await api("GET", "/Organisation");
      expect(r.status).toBe(429);
      expect(r.headers.get("x-rate-limit-problem")).toBe("minute");
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(r.headers.get("x-minlimit-remaining")).toBe("0");
      x.advanceClock(61_000);
      expect((await api("GET", "/Organisation")).status).toBe(200);
    } finally {
      x.setLimits({ perMinute: 60 });
      x.rateLimiter.reset();
    }
  });
});
