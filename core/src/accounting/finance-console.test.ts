import type { z } from "@hono/zod-openapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testApp, type TestApp } from "../http/testing.ts";
import { PROBLEM_CONTENT_TYPE } from "../http/problem.ts";
import { recordDeadLetter } from "../jobs/dead-letters.ts";
import { PayoutRunResultSchema } from "../payouts/operator-payouts.routes.ts";
import { updatePlatformSettings } from "../payouts/settings.ts";
import { daysAgo, paidOrder, setAccount, shipAt } from "../payouts/testing.ts";
import { asPlatform } from "../testing/deps.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";
import * as S from "./finance-console.schemas.ts";
import { ensureRecord } from "./records.ts";
import { staffSessionHeaders } from "./testing.ts";

/**
 * The finance console's API (`/v1/finance`) over HTTP: every operation is in the OpenAPI
 * document, each answer is what its schema says (no field more or less), and the refusals
 * are the console's: the role before the input, CSRF on writes, 400 `invalid_parameter`
 * naming the value, 422 `validation_failed` with a field error per problem.
 */
let t: TestApp;
let admin: Record<string, string>;
let support: Record<string, string>;
let brand: Seeded;

const JSON_TYPE = { "content-type": "application/json" };

async function call(method: string, path: string, headers: Record<string, string> = {}, body?: unknown) {
  const res = await t.app.request(`/v1/finance${path}`, {
    method,
    headers: { ...(body !== undefined ? JSON_TYPE : {}), ...headers },
    ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type"), body: (text && res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text) as Record<string, unknown> & { code?: string; detail?: string } };
}

/** The answer is exactly the schema's: parsing drops nothing and changes nothing. */
function expectShape(schema: z.ZodType, body: unknown) {
  expect(schema.parse(body)).toEqual(body);
}

beforeAll(async () => {
  t = await testApp({ env: { LOG_LEVEL: "warn" } });
  admin = await staffSessionHeaders(t.deps, "admin");
  support = await staffSessionHeaders(t.deps, "support");
  const deps = t.deps;
  // Something in every answer: a refused and a parked booking, a dead letter, a day that does not reconcile, a brand owed a payout.
  const refused = await ensureRecord(deps, { kind: "sale_invoice", sourceId: "0c1e6a3b-0000-4000-8000-000000000002", day: "2026-12-05", currency: "JPY", amount: 9000, stripeRef: "pi_demo" });
  await deps.db.sql.execute(`UPDATE accounting_record SET status = 'needs_attention', message = 'currency not enabled' WHERE id = $1::uuid`, [refused]);
  const parked = await ensureRecord(deps, { kind: "stripe_fees", sourceId: "2026-12-05:USD", day: "2026-12-05", currency: "USD", amount: 612 });
  await deps.db.sql.execute(`UPDATE accounting_record SET status = 'parked', parked_reason = 'day_limit', parked_until = now() WHERE id = $1::uuid`, [parked]);
  const bill = await ensureRecord(deps, { kind: "payout_bill", sourceId: "5f0c8d52-0000-4000-8000-000000000001", day: "2026-12-05", currency: "USD", amount: 17500, stripeRef: "tr_1,tr_2" });
  await deps.db.sql.execute(`UPDATE accounting_record SET status = 'booked', xero_document_id = 'doc-1', xero_document_number = 'GL-P-1', booked_at = now() WHERE id = $1::uuid`, [bill]);
  const [job] = await deps.db.sql.query<{ id: string }>(
    `INSERT INTO job (id, type, payload, idempotency_key, max_attempts, status) VALUES (gen_random_uuid(), 'demo.job', '{}'::jsonb, 'demo:1', 3, 'running') RETURNING id::text AS id`,
  );
  await recordDeadLetter(deps.db.prisma, { jobId: job!.id, type: "demo.job", payload: {}, idempotencyKey: "demo:1", attempts: 3, lastError: "boom", source: "db" });
  await deps.db.sql.execute(
    `INSERT INTO reconciliation_day (day, currency, reconciled, stripe_net, ledger_net, xero_net, differences) VALUES ('2026-12-05', 'USD', false, 8586, 8709, 8709, $1::jsonb)`,
    [JSON.stringify([{ kind: "unknown_to_us", subject: "transfer", ours: null, stripe: ["txn_9", "tr_X"], xero: null, stripeAmount: -123, ledgerAmount: null, xeroAmount: null, currency: "USD", detail: "not in our ledger" }])],
  );
  brand = await seedVendor(deps.db, { slug: "harbor" });
  await setAccount(deps, brand.vendorId, "active", "acct_harbor");
  await shipAt(deps, (await paidOrder(deps, brand, { recipients: 2 })).unitIds, daysAgo(30));
  await updatePlatformSettings(asPlatform(deps), { approvalRequired: true });
});

afterAll(async () => {
  await t?.close();
});

describe("the OpenAPI document", () => {
  it("has every /v1/finance operation the app routes, with the staff session's security", async () => {
    const doc = (await (await t.app.request("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, { content?: Record<string, unknown> }>; requestBody?: unknown }>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    const documented = Object.entries(doc.paths)
      .filter(([p]) => p.startsWith("/v1/finance"))
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))
      .sort();
    const routed = [...new Set(t.app.routes.filter((r) => r.path.startsWith("/v1/finance") && r.method !== "ALL").map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`))].sort();
    expect(documented).toEqual(routed);
    expect(documented).toEqual(expect.arrayContaining(["POST /v1/finance/session", "GET /v1/finance/reconciliation.csv", "PATCH /v1/finance/payout-settings/brands/{vendorId}"]));
    expect(doc.components.securitySchemes.staffSession).toMatchObject({ type: "apiKey", in: "cookie", name: "gl_staff" });
    expect(doc.components.securitySchemes.staffCsrfToken).toMatchObject({ type: "apiKey", in: "header", name: "X-CSRF-Token" });
    expect(doc.paths["/v1/finance/session"]!.post!.security).toBeUndefined();
    expect(doc.paths["/v1/finance/overview"]!.get!.security).toEqual([{ staffSession: [] }]);
    expect(doc.paths["/v1/finance/xero/mapping"]!.put!.security).toEqual([{ staffSession: [], staffCsrfToken: [] }]);
    expect(Object.keys(doc.paths["/v1/finance/xero/mapping"]!.put!.responses)).toEqual(expect.arrayContaining(["200", "400", "401", "403", "409", "413", "415", "422"]));
    expect(Object.keys(doc.paths["/v1/finance/reconciliation.csv"]!.get!.responses["200"]!.content!)).toEqual(["text/csv"]);
  });
});

describe("reads", () => {
  it("answer what their schemas say", async () => {
    const reads: Array<[string, z.ZodType]> = [
      ["/me", S.StaffSchema],
      ["/overview", S.OverviewSchema],
      ["/exceptions", S.ExceptionsSchema],
      ["/xero", S.XeroConnectionViewSchema],
      ["/settings", S.SettingsSchema],
      ["/payout-runs/preview", PayoutRunResultSchema],
      ["/payout-runs/payouts", S.PayoutQueuesSchema],
      ["/payout-settings", S.PayoutSettingsOverviewSchema],
    ];
    for (const [path, schema] of reads) {
      const r = await call("GET", path, admin);
      expect(r.status, path).toBe(200);
      expectShape(schema, r.body);
    }
    const exceptions = (await call("GET", "/exceptions", support)).body as z.infer<typeof S.ExceptionsSchema>;
    expect([exceptions.needsAttention.length, exceptions.parked.length, exceptions.deadLetters.length]).toEqual([1, 1, 1]);
    const payouts = await call("GET", "/payouts", admin);
    expectShape(S.PayoutBookingSchema.array(), (payouts.body as { items: unknown }).items);
    expect(payouts.body).toMatchObject({ items: [{ reference: "GL-P-1", transfers: [{ id: "tr_1" }, { id: "tr_2" }] }] });
    const days = await call("GET", "/reconciliation", admin);
    expectShape(S.ReconciliationDaySchema.array(), (days.body as { items: unknown }).items);
    const csv = await call("GET", "/reconciliation.csv", admin);
    expect([csv.status, csv.type]).toEqual([200, "text/csv; charset=utf-8"]);
    expect(csv.body).toContain("tr_X");
  });

  it("need a session", async () => {
    expect(await call("GET", "/overview")).toMatchObject({ status: 401, type: PROBLEM_CONTENT_TYPE, body: { code: "not_signed_in" } });
    expect((await call("GET", "/overview", { cookie: "gl_staff=nope" })).status).toBe(401);
  });
});

describe("writes", () => {
  it("a run, its draft approved with the version read; the body optional", async () => {
    const run = await call("POST", "/payout-runs", admin, "");
    expect(run.status).toBe(201);
    expectShape(PayoutRunResultSchema, run.body);
    const [draft] = ((await call("GET", "/payout-runs/payouts", support)).body as z.infer<typeof S.PayoutQueuesSchema>).drafts;
    expect(draft).toMatchObject({ vendorId: brand.vendorId, status: "draft" });
    expect(await call("POST", `/payout-runs/payouts/${draft!.id}/approve`, admin, { version: draft!.version + 1 })).toMatchObject({ status: 409, body: { code: "stale" } });
    expect(await call("POST", `/payout-runs/payouts/${draft!.id}/approve`, admin, { version: draft!.version })).toMatchObject({ status: 200, body: { id: draft!.id, status: "approved" } });
    expect(await call("POST", `/payout-runs/payouts/${draft!.id}/retry`, admin)).toMatchObject({ status: 409, body: { code: "not_allowed" } });
  });

  it("the role is checked before the input is read; CSRF on every write", async () => {
    expect(await call("PUT", "/xero/mapping", support, {})).toMatchObject({ status: 403, body: { code: "role_not_allowed" } });
    expect(await call("POST", "/payout-runs", support, "{")).toMatchObject({ status: 403, body: { code: "role_not_allowed" } });
    expect(await call("PATCH", "/payout-settings", support, { commissionBps: 1 })).toMatchObject({ status: 403, body: { code: "role_not_allowed" } });
    expect(await call("POST", "/xero/connect", { ...admin, "x-csrf-token": "wrong" })).toMatchObject({ status: 403, body: { code: "csrf_token" } });
    expect(await call("POST", "/xero/connect", { ...admin, origin: "https://elsewhere.example" })).toMatchObject({ status: 403, body: { code: "csrf_origin" } });
    expect(await call("POST", "/reconciliation/2026-12-05", { cookie: admin.cookie! })).toMatchObject({ status: 403, body: { code: "csrf_token" } });
    expect(await call("POST", "/dead-letters/00000000-0000-4000-8000-000000000000/replay", support)).toMatchObject({ status: 404, body: { code: "not_found" } });
  });

  it("bad input: 400 invalid_parameter naming the value, 422 validation_failed with each field's problem", async () => {
    expect(await call("POST", "/payout-runs/payouts/nope/approve", admin)).toMatchObject({ status: 400, body: { code: "invalid_parameter", detail: "the payout id is not valid" } });
    expect(await call("GET", "/payout-runs/preview?vendorId=nope", admin)).toMatchObject({ status: 400, body: { code: "invalid_parameter", detail: "the brand id is not valid" } });
    expect((await call("GET", "/payout-runs/preview?vendorId=", admin)).status).toBe(200);
    expect(await call("POST", "/records/nope/retry", admin)).toMatchObject({ status: 400, body: { detail: "the record id is not valid" } });
    expect(await call("POST", "/reconciliation/2026-13-45", admin)).toMatchObject({ status: 409, body: { code: "xero_not_configured" } });
    const bad = await call("PATCH", `/payout-settings/brands/${brand.vendorId}`, admin, { commissionBps: 1234.5, minimumPayout: { usd: 2500 } });
    expect(bad).toMatchObject({ status: 422, body: { code: "validation_failed" } });
    expect((bad.body.errors as Array<{ path: string; message: string }>).map((e) => [e.path, e.message])).toEqual([
      ["commissionBps", "whole basis points (a percent with at most two decimals)"],
      ["minimumPayout.usd", "usd: an ISO 4217 currency code in capitals"],
    ]);
    expect(await call("PATCH", "/payout-settings", admin, { commissionBps: 1000, fee: 1 })).toMatchObject({ status: 422, body: { code: "validation_failed", errors: [{ code: "unknown_field", path: "fee" }] } });
    expect(await call("PATCH", "/payout-settings", admin, "")).toMatchObject({ status: 400, body: { code: "invalid_json" } });
    expect(await call("PATCH", "/payout-settings", admin, "{")).toMatchObject({ status: 400, body: { code: "malformed_json" } });
    expect(await call("PATCH", `/payout-settings/brands/00000000-0000-4000-8000-000000000000`, admin, { settlementDays: 21 })).toMatchObject({ status: 404 });
    const saved = await call("PATCH", `/payout-settings/brands/${brand.vendorId}`, admin, { settlementDays: 21, commissionBps: null });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ overrides: { settlementDays: 21, commissionBps: null }, effective: { settlementDays: 21 } });
  });

  it("sign-in: a link for an account, the same answer without one; sign out ends the session", async () => {
    const sent = (t.deps.email as unknown as { sent: unknown[] }).sent;
    const before = sent.length;
    expect(await call("POST", "/session", {}, { email: "admin@giftloop.test" })).toMatchObject({ status: 202, body: { sent: true } });
    expect(await call("POST", "/session", {}, { email: "nobody@giftloop.test" })).toMatchObject({ status: 202, body: { sent: true } });
    expect(sent.length).toBe(before + 1);
    expect(await call("POST", "/session", {}, { email: "not an email" })).toMatchObject({ status: 422, body: { code: "validation_failed" } });
    const session = await staffSessionHeaders(t.deps, "finance");
    expect(await call("POST", "/session/logout", session)).toMatchObject({ status: 200, body: { signedOut: true } });
    expect((await call("GET", "/me", session)).status).toBe(401);
  });
});
