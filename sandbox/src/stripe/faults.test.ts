import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startStripeStandIn, type StripeStandIn } from "./server.ts";

// Fault injection on the payout endpoints, through the official SDK: what a reliability test of
// the payout job meets (500s, rate limits, answers lost after the work was done) and what the
// stand-in guarantees under them (an Idempotency-Key replay never makes a second transfer).

let standIn: StripeStandIn;
let dest: string;
let charge: string;

beforeAll(async () => {
  standIn = await startStripeStandIn();
});
afterAll(async () => {
  await standIn.stop();
});

/** A client configured like the product's: its own retries, a timeout. */
function client(maxNetworkRetries: number): Stripe {
  return new Stripe("sk_test_faults", { ...standIn.sdkConfig, maxNetworkRetries, timeout: 10_000 });
}

beforeEach(async () => {
  standIn.reset();
  const stripe = client(0);
  const account = await stripe.accounts.create({
    controller: { stripe_dashboard: { type: "express" }, fees: { payer: "application" }, losses: { payments: "application" }, requirement_collection: "stripe" },
    capabilities: { transfers: { requested: true } },
  });
  standIn.onboard(account.id, "complete");
  dest = account.id;
  const pi = await stripe.paymentIntents.create({ amount: 100_000, currency: "usd", allowed_payment_method_types: ["card"], payment_method: "pm_card_visa", confirm: true });
  charge = pi.latest_charge as string;
});

/** A random source that returns these values first, then ones that never trigger a fault. */
function scripted(...values: number[]): () => number {
  return () => values.shift() ?? 0.999;
}

/** A seeded random source (mulberry32), so a run of random faults is the same every time. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const params = (n: number): Stripe.TransferCreateParams => ({
  amount: 1_000 + n,
  currency: "usd",
  destination: dest,
  source_transaction: charge,
  transfer_group: `order_${n}`,
  metadata: { transfer: `gl_tr_${n}` },
});

async function transfers(): Promise<Stripe.Transfer[]> {
  standIn.setFaults({});
  return client(0).transfers.list({ limit: 100 }).autoPagingToArray({ limit: 1_000 });
}

describe("fault injection", () => {
  it("answers 500 before doing anything: nothing is created, and the SDK's retry succeeds once", async () => {
    standIn.setFaults({ rate: 1, kinds: ["500"], postsOnly: true, paths: ["/v1/transfers"] });
    const err = await client(0).transfers.create(params(1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect((err as Stripe.errors.StripeAPIError).statusCode).toBe(500);
    expect(standIn.faultCounts["500"]).toBe(1);
    expect(await transfers()).toEqual([]);

    standIn.setFaults({ rate: 0.5, kinds: ["500"], postsOnly: true, random: scripted(0, 0) });
    const made = await client(2).transfers.create(params(2));
    expect(made.amount).toBe(1_002);
    expect(standIn.faultCounts["500"]).toBe(2); // counted since the last reset
    expect((await transfers()).map((t) => t.id)).toEqual([made.id]);
  });

  it("answers 429 rate_limit before doing anything", async () => {
    standIn.setFaults({ rate: 1, kinds: ["rate_limit"], paths: ["/v1/transfers"] });
    const err = await client(0).transfers.create(params(1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(err).toMatchObject({ statusCode: 429, code: "rate_limit" });
    expect(await transfers()).toEqual([]);
  });

  it("loses the answer of a request that did its work (timeout): the retry with the same key gets the same transfer", async () => {
    standIn.setFaults({ rate: 0.5, kinds: ["timeout"], hangMs: 100, random: scripted(0, 0, 0) });
    const made = await client(1).transfers.create(params(1), { idempotencyKey: "transfer-gl_tr_1" });
    expect(standIn.faultCounts.timeout).toBe(1);
    expect(made.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect((await transfers()).map((t) => t.id)).toEqual([made.id]);
    expect(standIn.events.filter((e) => e.type === "transfer.created")).toHaveLength(1);
  });

  it("loses the answer of a request that did nothing (timeout): the retry makes the transfer, once", async () => {
    standIn.setFaults({ rate: 0.5, kinds: ["timeout"], hangMs: 100, random: scripted(0, 0, 0.9) });
    const made = await client(1).transfers.create(params(1), { idempotencyKey: "transfer-gl_tr_1" });
    expect(made.lastResponse.headers["idempotent-replayed"]).toBeUndefined();
    expect((await transfers()).map((t) => t.id)).toEqual([made.id]);
  });

  it("drops the answer after the transfer committed (dropAfterCommit): the transfer exists, a replay returns it", async () => {
    standIn.setFaults({ dropAfterCommit: 1, paths: ["/v1/transfers"] });
    const body = new URLSearchParams({ amount: "1500", currency: "usd", destination: dest, source_transaction: charge, "metadata[transfer]": "gl_tr_9" });
    const lost = await fetch(`${standIn.url}/v1/transfers`, {
      method: "POST",
      headers: { Authorization: "Bearer sk_test_faults", "Content-Type": "application/x-www-form-urlencoded", "Idempotency-Key": "transfer-gl_tr_9" },
      body: body.toString(),
    }).catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(Error);
    expect(standIn.faultCounts.dropped).toBe(1);
    const committed = await transfers();
    expect(committed.map((t) => t.metadata)).toEqual([{ transfer: "gl_tr_9" }]);
    // The payout job's look-up by transfer_group/metadata would find it; a retry under the key replays it.
    const replay = await client(0).transfers.create(
      { amount: 1_500, currency: "usd", destination: dest, source_transaction: charge, metadata: { transfer: "gl_tr_9" } },
      { idempotencyKey: "transfer-gl_tr_9" },
    );
    expect(replay.id).toBe(committed[0]?.id);
    expect(replay.lastResponse.headers["idempotent-replayed"]).toBe("true");
  });

  it("is set over HTTP (JSON or form), limited to the paths given, and cleared with {}", async () => {
    const set = (body: unknown) => fetch(`${standIn.url}/_sandbox/faults`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const res = await set({ rate: 1, kinds: ["rate_limit"], paths: ["/v1/balance"] });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { faults: unknown }).faults).toEqual({ rate: 1, kinds: ["rate_limit"], paths: ["/v1/balance"] });
    const stripe = client(0);
    expect(await stripe.balance.retrieve().catch((e: unknown) => e)).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect((await stripe.transfers.list()).object).toBe("list");
    expect((await set({})).status).toBe(200);
    expect((await stripe.balance.retrieve()).object).toBe("balance");
    expect((await set({ rate: 1, kinds: ["boom"] })).status).toBe(400);
    const form = await fetch(`${standIn.url}/_sandbox/faults`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "rate=0.3&kinds[]=500&kinds[]=timeout&hang_ms=50" });
    expect(((await form.json()) as { faults: unknown }).faults).toEqual({ rate: 0.3, kinds: ["500", "timeout"], hangMs: 50 });
    standIn.setFaults({});
  });

  it("with 30% of calls failing every way, a caller that retries under its own keys makes each transfer exactly once", async () => {
    standIn.setFaults({ rate: 0.3, kinds: ["500", "timeout", "rate_limit"], hangMs: 30, random: seeded(17) });
    const stripe = client(2);
    const made = new Map<number, string>();
    for (let n = 0; n < 30; n++) {
      for (let attempt = 1; ; attempt++) {
        try {
          made.set(n, (await stripe.transfers.create(params(n), { idempotencyKey: `transfer-gl_tr_${n}` })).id);
          break;
        } catch (e) {
          const retryable = e instanceof Stripe.errors.StripeRateLimitError || e instanceof Stripe.errors.StripeAPIError || e instanceof Stripe.errors.StripeConnectionError;
          if (!retryable || attempt >= 20) throw e;
        }
      }
    }
    const counts = standIn.faultCounts;
    expect(counts["500"] + counts.timeout + counts.rate_limit).toBeGreaterThan(5);
    const all = await transfers();
    expect(all).toHaveLength(30);
    expect(new Set(all.map((t) => t.metadata.transfer)).size).toBe(30);
    expect(new Set(made.values())).toEqual(new Set(all.map((t) => t.id)));
    expect(all.reduce((s, t) => s + t.amount, 0)).toBe(30 * 1_000 + (29 * 30) / 2);
  });
});
