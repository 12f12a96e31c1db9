import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { XeroError } from "../integrations/xero/xero.ts";
import { startWorker } from "../jobs/create-queue.ts";
import { waitUntil } from "../jobs/testing/harness.ts";
import type { Worker } from "../jobs/worker.ts";
import { bookRecord } from "./book-record.ts";
import { payoutPaid, setPayoutSource, type PayoutForBooking } from "./book-payouts.ts";
import { loadConnection, readTokens } from "./xero-connection.ts";
import { fastRetryRegistry, startAccountingStack, type AccountingStack } from "./testing.ts";

/**
 * Booking payouts in Xero when things go wrong (PostgreSQL: worker processes share it, so this
 * runs under test:stack):
 * - 100 trials, each booking crashed at a random Xero call, before the call or after Xero
 *   committed it (the answer lost), a third of them also losing Xero's answer on the wire, and
 *   half of them past Xero's idempotency window: a fresh attempt finishes, never two bills or
 *   payments;
 * - 30% of Xero calls failing with 500, 503, 429 or a timeout while two workers book through
 *   the job queue: every payout ends booked exactly once;
 * - two worker processes refreshing the token at the same moment: one rotation, and the stored
 *   refresh token is the live one.
 */
let stack: AccountingStack;
const payouts = new Map<string, PayoutForBooking>();
let seed = 11;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

function payout(lines: number): PayoutForBooking {
  const id = crypto.randomUUID();
  const p: PayoutForBooking = {
    id,
    reference: `GL-P-${id}`,
    vendorId: "0b6f5d9e-6f0e-4c3c-9a8f-222222222222",
    vendorName: "Northwind",
    vendorEmail: null,
    currency: "USD",
    total: lines * 1000,
    paidDay: "2026-12-05",
    transferIds: [`tr_${id.slice(0, 12)}`],
    lines: Array.from({ length: lines }, (_, i) => ({ unitId: crypto.randomUUID(), orderId: crypto.randomUUID(), gift: `Gift ${i}`, item: "Mug", variant: null, sku: null, amount: 1000 })),
  };
  payouts.set(id, p);
  return p;
}

class Killed extends Error {}

const org = () => stack.standIn.organisation(stack.tenantId);
function booked(p: PayoutForBooking) {
  const bills = [...org().invoices.values()].filter((i) => i.InvoiceNumber === p.reference && i.Type === "ACCPAY");
  const payments = bills.flatMap((b) => [...org().payments.values()].filter((x) => x.InvoiceID === b.InvoiceID));
  return { bills: bills.length, payments: payments.length, paid: bills[0]?.Status === "PAID" };
}

beforeAll(async () => {
  stack = await startAccountingStack({ registry: fastRetryRegistry(), env: { JOB_POLL_INTERVAL_MS: "5", JOB_LEASE_SECONDS: "2", XERO_MINUTE_LIMIT: "10000", XERO_CONCURRENCY_LIMIT: "20" }, standIn: { limits: { perMinute: 100_000, perDay: 1_000_000, concurrent: 100, appPerMinute: 1_000_000 } } });
  setPayoutSource({ payout: async (_d, id) => payouts.get(id) ?? null, reversal: async () => null });
}, 60_000);

afterAll(async () => {
  setPayoutSource(null);
  expect(await stack.stop()).toEqual([]);
});


describe.skipIf(!process.env.TEST_PG_ADMIN_URL)("accounting reliability", () => {
  it("100 bookings crashed at a random point never make two bills or payments", { timeout: 120_000 }, async () => {
    const deps = stack.t.deps;
    const real = deps.xero!;
    for (let trial = 0; trial < 100; trial++) {
      const p = payout(1 + Math.floor(random() * 3));
      const id = await payoutPaid(deps, p);
      const killAt = Math.floor(random() * 4);
      const after = random() < 0.5;
      if (random() < 1 / 3) stack.standIn.setFaults({ dropAfterCommit: 1, hangMs: 10 });
      let n = 0;
      deps.xero = new Proxy(real, {
        get(target, prop) {
          const v = (target as unknown as Record<string | symbol, unknown>)[prop];
          if (typeof v !== "function" || !["createInvoices", "createPayments", "invoices", "invoice", "contacts", "createContacts"].includes(String(prop))) return v;
          return async (...args: unknown[]) => {
            if (n++ === killAt && !after) throw new Killed("killed before the call");
            const r = await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
            if (n - 1 === killAt && after) throw new Killed("killed after Xero answered");
            return r;
          };
        },
      });
      await bookRecord(deps, id).catch((e: unknown) => {
        if (!(e instanceof Killed) && !(e instanceof XeroError)) throw e;
      });
      deps.xero = real;
      stack.standIn.setFaults({});
      // The killed worker's lease runs out; half the time Xero's idempotency window passes too.
      await deps.db.sql.execute(`UPDATE accounting_record SET lease_until = NULL WHERE id = $1::uuid`, [id]);
      if (random() < 0.5) stack.standIn.advanceClock(25 * 3600_000);
      for (let i = 0; i < 5 && (await bookRecord(deps, id)) !== "booked"; i++);
      expect(booked(p), `trial ${trial}`).toEqual({ bills: 1, payments: 1, paid: true });
    }
  });

  it("30% of Xero calls failing (500, 503, 429, timeouts): every payout booked exactly once through the queue", { timeout: 60_000 }, async () => {
    const deps = stack.t.deps;
    stack.standIn.setFaults({ rate: 0.3, kinds: ["500", "503", "429", "timeout"], hangMs: 300 });
    const ps = Array.from({ length: 20 }, () => payout(3));
    for (const p of ps) await payoutPaid(deps, p);
    const workers: Worker[] = [startWorker(deps, { pollIntervalMs: 5 }), startWorker(deps, { pollIntervalMs: 5 })];
    try {
      await waitUntil(
        async () => {
          const [r] = await deps.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM accounting_record WHERE kind = 'payout_bill' AND status = 'booked' AND source_id = ANY($1::text[])`, [ps.map((p) => p.id)]);
          return r?.n === ps.length;
        },
        50_000,
        100,
        async () => ({
          records: await deps.db.sql.query(`SELECT status::text, attempts, generation, parked_reason, message FROM accounting_record WHERE kind = 'payout_bill' AND status <> 'booked' AND source_id = ANY($1::text[])`, [ps.map((p) => p.id)]),
          jobs: await deps.db.sql.query(`SELECT status::text, count(*)::int, max(last_error) FROM job WHERE type = 'accounting.book' GROUP BY 1`),
        }),
      );
    } finally {
      stack.standIn.setFaults({});
      await Promise.all(workers.map((w) => w.stop()));
    }
    for (const p of ps) expect(booked(p)).toEqual({ bills: 1, payments: 1, paid: true });
    expect(stack.standIn.faultCounts["500"] + stack.standIn.faultCounts["429"] + stack.standIn.faultCounts.timeout).toBeGreaterThan(5);
  });

  it("two worker processes refreshing at once: one rotation, the stored refresh token is the live one", { timeout: 120_000 }, async () => {
    const deps = stack.t.deps;
    const before = await loadConnection(deps.db.prisma);
    const child = fileURLToPath(new URL("./refresh-race-child.ts", import.meta.url));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      DATA_DIR: deps.config.DATA_DIR,
      DATABASE_URL: deps.db.url!,
      XERO_CLIENT_ID: deps.config.XERO_CLIENT_ID!,
      XERO_CLIENT_SECRET: deps.config.XERO_CLIENT_SECRET!,
      XERO_SANDBOX_URL: deps.config.XERO_SANDBOX_URL!,
      XERO_SANDBOX_CA_FILE: deps.config.XERO_SANDBOX_CA_FILE!,
    };
    const procs = [0, 1].map(() => {
      const proc = spawn(process.execPath, ["--import", "tsx", child], { env, stdio: "pipe" });
      proc.stderr.resume();
      let out = "";
      proc.stdout.on("data", (d: Buffer) => (out += d.toString()));
      return { proc, out: () => out };
    });
    await waitUntil(async () => procs.every((p) => p.out().includes("ready")), 100_000, 50);
    for (const p of procs) p.proc.stdin.write("go\n");
    await waitUntil(async () => procs.every((p) => /refresh-token|failed/.test(p.out())), 30_000, 50);
    const tokens = procs.map((p) => /refresh-token (\S+)/.exec(p.out())?.[1]);
    expect(tokens[0]).toBeTruthy();
    expect(tokens[0]).toBe(tokens[1]);
    const after = await loadConnection(deps.db.prisma);
    expect(after!.tokenVersion).toBe(before!.tokenVersion + 1);
    const stored = await readTokens(deps.db.prisma, deps);
    expect(stored?.refreshToken).toBe(tokens[0]);
    stack.standIn.advanceClock(31 * 60_000); // past the grace of every spent refresh token
    expect((await deps.xero!.refresh(stored!.refreshToken)).refreshToken).toBeTruthy();
  });
});
