import type Stripe from "stripe";
import { newId } from "./ids.ts";
import { makeBalanceTransaction, type BalanceTransactionInit } from "./objects.ts";
import type { StripeState } from "./state.ts";

// Balances as Stripe keeps them: every movement of money is a balance transaction owned by one
// account (the platform, or a connected account), `pending` until the clock reaches its
// `available_on`, then `available`. A balance is the sum of the `net` of an account's
// transactions per currency, split into available and pending. Running totals keep a balance
// read and a transfer check O(1) however many transactions there are; pending transactions are
// moved to available when the clock passes the earliest due date.
//
// Sandbox payouts (`payOut`) stand for Stripe's automatic payouts to the account's bank: the
// whole available balance of each currency leaves in a `payout` transaction, and the
// transactions it settled are listed by `GET /v1/balance_transactions?payout=po_...`.

interface Totals {
  available: number;
  pending: number;
}

export interface SandboxPayout {
  id: string;
  owner: string;
  amount: number;
  currency: string;
  created: number;
}

export class Ledger {
  private readonly totals = new Map<string, Map<string, Totals>>();
  private readonly pendingTxns = new Map<string, { owner: string; txn: Stripe.BalanceTransaction }>();
  private nextDue = Number.POSITIVE_INFINITY;
  /** Balance transaction id → the sandbox payout that settled it. */
  private readonly paidOutBy = new Map<string, string>();
  readonly payouts = new Map<string, SandboxPayout>();

  constructor(private readonly state: StripeState) {}

  /** Records a movement of money on `owner`'s balance; available at once unless `availableOn` is later than now. */
  post(owner: string, init: BalanceTransactionInit & { availableOn?: number }): Stripe.BalanceTransaction {
    const now = this.state.now();
    const availableOn = Math.max(now, init.availableOn ?? now);
    const txn = makeBalanceTransaction({ ...init, created: now, availableOn });
    this.state.add(this.state.balanceTransactions, txn, owner);
    const t = this.totalsOf(owner, txn.currency);
    if (txn.status === "available") {
      t.available += txn.net;
    } else {
      t.pending += txn.net;
      this.pendingTxns.set(txn.id, { owner, txn });
      this.nextDue = Math.min(this.nextDue, availableOn);
    }
    return txn;
  }

  /** Makes pending transactions whose date has come available. Cheap when nothing is due. */
  refresh(): void {
    const now = this.state.now();
    if (now < this.nextDue) return;
    let next = Number.POSITIVE_INFINITY;
    for (const [id, { owner, txn }] of this.pendingTxns) {
      if (txn.available_on <= now) {
        txn.status = "available";
        const t = this.totalsOf(owner, txn.currency);
        t.pending -= txn.net;
        t.available += txn.net;
        this.pendingTxns.delete(id);
      } else {
        next = Math.min(next, txn.available_on);
      }
    }
    this.nextDue = next;
  }

  available(owner: string, currency: string): number {
    this.refresh();
    return this.totals.get(owner)?.get(currency)?.available ?? 0;
  }

  /** Available plus pending: what a transfer reversal can take back from a connected account. */
  total(owner: string, currency: string): number {
    this.refresh();
    const t = this.totals.get(owner)?.get(currency);
    return t ? t.available + t.pending : 0;
  }

  /** `GET /v1/balance`: one entry per currency the account has used (its default currency at least). */
  balance(owner: string, defaultCurrency: string): Stripe.Balance {
    this.refresh();
    const byCurrency = new Map(this.totals.get(owner) ?? []);
    if (!byCurrency.has(defaultCurrency)) byCurrency.set(defaultCurrency, { available: 0, pending: 0 });
    const currencies = [...byCurrency.keys()].sort();
    const entry = (currency: string, amount: number) => ({ amount, currency, source_types: { card: amount } });
    return {
      object: "balance",
      available: currencies.map((c) => entry(c, byCurrency.get(c)?.available ?? 0)),
      connect_reserved: currencies.map((c) => ({ amount: 0, currency: c })),
      livemode: false,
      pending: currencies.map((c) => entry(c, byCurrency.get(c)?.pending ?? 0)),
    };
  }

  /** Pays the whole available balance of each currency out to the account's bank. */
  payOut(owner: string): SandboxPayout[] {
    this.refresh();
    const made: SandboxPayout[] = [];
    for (const [currency, t] of this.totals.get(owner) ?? []) {
      if (t.available <= 0) continue;
      const payout: SandboxPayout = { id: newId("po"), owner, amount: t.available, currency, created: this.state.now() };
      const settled = [...this.state.balanceTransactions.values()].filter(
        (txn) => txn.currency === currency && txn.status === "available" && !this.paidOutBy.has(txn.id) && this.state.ownerOf(txn.id) === owner,
      );
      const txn = this.post(owner, {
        amount: -payout.amount,
        currency,
        fee: 0,
        type: "payout",
        reportingCategory: "payout",
        source: payout.id,
        description: "STRIPE PAYOUT",
      });
      for (const s of [...settled, txn]) this.paidOutBy.set(s.id, payout.id);
      this.payouts.set(payout.id, payout);
      made.push(payout);
    }
    return made;
  }

  paidOutIn(txnId: string): string | undefined {
    return this.paidOutBy.get(txnId);
  }

  clear(): void {
    this.totals.clear();
    this.pendingTxns.clear();
    this.paidOutBy.clear();
    this.payouts.clear();
    this.nextDue = Number.POSITIVE_INFINITY;
  }

  private totalsOf(owner: string, currency: string): Totals {
    let byCurrency = this.totals.get(owner);
    if (!byCurrency) this.totals.set(owner, (byCurrency = new Map()));
    let t = byCurrency.get(currency);
    if (!t) byCurrency.set(currency, (t = { available: 0, pending: 0 }));
    return t;
  }
}
