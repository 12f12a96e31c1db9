import type Stripe from "stripe";
import { Clock } from "./clock.ts";
import { invalidRequest, resourceMissing } from "./errors.ts";
import type { ParamMap } from "./form.ts";
import { makeEvent, makeList, type StripeEvent, type StripeList } from "./objects.ts";
import { int, str } from "./params.ts";
import type { TestCard } from "./test-cards.ts";
import { Ledger } from "./ledger.ts";

// The stand-in's in-memory Stripe: the platform account and its connected accounts, every object
// they have, in creation order, plus the event log. Each object belongs to one account: the
// platform (the default) or a connected account (a transfer's payment, its refunds, their
// balance transactions), and API requests see only the objects of the account they act as
// (`Stripe-Account`). Handlers mutate objects here and call `emit`, which snapshots the object
// into an event and hands it to the webhook sender.

/** The owner key of the platform's own objects. */
export const PLATFORM = "platform";

/** What caused a change: the API request (its id and idempotency key), or nothing for automatic changes. */
export interface Cause {
  id: string | null;
  idempotency_key: string | null;
}
export const AUTOMATIC: Cause = { id: null, idempotency_key: null };

export interface StateConfig {
  apiVersion: string;
  /** Base URL of the stand-in, for `receipt_url`. */
  baseUrl: () => string;
  refundSettleDelayMs: number;
  /** Called for every new event; returns how many webhook endpoints it will be sent to. */
  onEvent: (event: StripeEvent, orderingKey: string) => number;
}

interface Created {
  id: string;
  created: number;
}

const KIND_BY_PREFIX: Record<string, string> = {
  pi: "payment_intent",
  ch: "charge",
  py: "charge",
  re: "refund",
  pyr: "refund",
  pm: "payment_method",
  txn: "balance_transaction",
  dp: "dispute",
  evt: "event",
  acct: "account",
  tr: "transfer",
  trr: "transfer_reversal",
};

/** What the stand-in keeps about an Account Link besides the object it returned. */
export interface AccountLinkRecord {
  token: string;
  account: string;
  type: "account_onboarding";
  refreshUrl: string;
  returnUrl: string;
  expiresAt: number;
  /** Set when the page is first opened: the link is single-use. */
  visit: string | null;
  submitted: boolean;
}

export interface LoginLinkRecord {
  token: string;
  account: string;
  used: boolean;
}

export class StripeState {
  readonly paymentIntents = new Map<string, Stripe.PaymentIntent>();
  readonly charges = new Map<string, Stripe.Charge>();
  readonly refunds = new Map<string, Stripe.Refund>();
  readonly paymentMethods = new Map<string, Stripe.PaymentMethod>();
  /** The test card behind each payment method: decides charge and refund outcomes. */
  readonly cardOf = new Map<string, TestCard>();
  readonly balanceTransactions = new Map<string, Stripe.BalanceTransaction>();
  readonly disputes = new Map<string, Stripe.Dispute>();
  readonly events = new Map<string, StripeEvent>();
  readonly accounts = new Map<string, Stripe.Account>();
  /** Per connected account, its capabilities by name. */
  readonly capabilities = new Map<string, Map<string, Stripe.Capability>>();
  /** Connected accounts that disconnected from the platform: the platform can no longer reach them. */
  readonly deauthorized = new Set<string>();
  readonly accountLinks = new Map<string, AccountLinkRecord>();
  readonly loginLinks = new Map<string, LoginLinkRecord>();
  readonly transfers = new Map<string, Stripe.Transfer>();
  readonly transfersByGroup = new Map<string, Stripe.Transfer[]>();
  readonly transferReversals = new Map<string, Stripe.TransferReversal>();
  /** Per platform charge, how much of it transfers have named as their `source_transaction`. */
  readonly transferredFrom = new Map<string, number>();
  readonly clock = new Clock();
  readonly ledger = new Ledger(this);
  /** Creation order, so lists are newest-first even within one second. */
  private readonly seq = new Map<string, number>();
  private nextSeq = 0;
  /** The connected account owning an object; absent for the platform's own. */
  private readonly owners = new Map<string, string>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(readonly config: StateConfig) {}

  /** Unix seconds on the stand-in's clock. */
  now(): number {
    return this.clock.now();
  }

  add<T extends { id: string }>(map: Map<string, T>, obj: T, owner: string = PLATFORM): T {
    map.set(obj.id, obj);
    this.seq.set(obj.id, this.nextSeq++);
    if (owner !== PLATFORM) this.owners.set(obj.id, owner);
    return obj;
  }

  ownerOf(id: string): string {
    return this.owners.get(id) ?? PLATFORM;
  }

  /** `get` for objects that belong to an account: another account's object is as missing as an unknown id. */
  getOwned<T extends { id: string }>(map: Map<string, T>, id: string, owner: string, kind: string, param = "id"): T {
    const obj = map.get(id);
    if (!obj || this.ownerOf(id) !== owner) throw resourceMissing(kind, id, param);
    return obj;
  }

  /**
   * An object by id for `expand`, as seen by `owner`: the platform reaches its connected
   * accounts' objects (a transfer's `destination_payment`); a connected account only its own.
   */
  findFor(id: string, owner: string): object | undefined {
    const obj = this.find(id);
    if (!obj || owner === PLATFORM) return obj;
    return this.ownerOf(id) === owner ? obj : undefined;
  }

  /** Any stored object by id. */
  find(id: string): object | undefined {
    const kind = KIND_BY_PREFIX[id.slice(0, id.indexOf("_"))];
    switch (kind) {
      case "payment_intent":
        return this.paymentIntents.get(id);
      case "charge":
        return this.charges.get(id);
      case "refund":
        return this.refunds.get(id);
      case "payment_method":
        return this.paymentMethods.get(id);
      case "balance_transaction":
        return this.balanceTransactions.get(id);
      case "dispute":
        return this.disputes.get(id);
      case "event":
        return this.events.get(id);
      case "account":
        return this.accounts.get(id);
      case "transfer":
        return this.transfers.get(id);
      case "transfer_reversal":
        return this.transferReversals.get(id);
      default:
        return undefined;
    }
  }

  get<T>(map: Map<string, T>, id: string, kind: string, param = "id"): T {
    const obj = map.get(id);
    if (!obj) throw resourceMissing(kind, id, param);
    return obj;
  }

  /** Records an event; `account` makes it a Connect event (delivered to Connect endpoints). */
  emit(type: string, object: object & { id: string }, cause: Cause, previousAttributes?: Record<string, unknown>, account?: string): StripeEvent {
    const event = makeEvent({
      type,
      object,
      created: this.now(),
      ...(account ? { account } : {}),
      apiVersion: this.config.apiVersion,
      request: { ...cause },
      pendingWebhooks: 0,
      ...(previousAttributes ? { previousAttributes } : {}),
    });
    this.add(this.events, event);
    event.pending_webhooks = this.config.onEvent(event, account ?? orderingKey(object));
    return event;
  }

  /** Runs `fn` later unless the state is reset or stopped first (refund settlement and the like). */
  later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  clear(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const maps: Array<Map<string, unknown> | Set<string>> = [
      this.paymentIntents, this.charges, this.refunds, this.paymentMethods, this.balanceTransactions, this.disputes, this.events,
      this.accounts, this.capabilities, this.deauthorized, this.accountLinks, this.loginLinks, this.transfers, this.transfersByGroup,
      this.transferReversals, this.transferredFrom, this.cardOf, this.seq, this.owners,
    ];
    for (const m of maps) m.clear();
    this.ledger.clear();
    this.clock.reset();
  }

  /**
   * A Stripe list page: newest first, `limit` (1..100, default 10), cursors `starting_after` /
   * `ending_before`, and the `created` filter (an integer or a `{gt,gte,lt,lte}` range).
   */
  list<T extends Created>(items: Iterable<T>, params: ParamMap, url: string, kind: string): StripeList<T> {
    const limit = int(params, "limit") ?? 10;
    if (limit < 1 || limit > 100) throw invalidRequest("Invalid limit: must be an integer between 1 and 100", { param: "limit" });
    const created = createdFilter(params);
    const sorted = [...items].filter((o) => created(o.created)).sort((a, b) => (this.seq.get(b.id) ?? 0) - (this.seq.get(a.id) ?? 0));
    const after = str(params, "starting_after");
    const before = str(params, "ending_before");
    if (after !== undefined && before !== undefined) {
      throw invalidRequest("You may only specify one of these parameters: starting_after, ending_before.", { code: "parameters_exclusive" });
    }
    if (after !== undefined) {
      const i = sorted.findIndex((o) => o.id === after);
      if (i === -1) throw resourceMissing(kind, after, "starting_after");
      const rest = sorted.slice(i + 1);
      return makeList(rest.slice(0, limit), rest.length > limit, url);
    }
    if (before !== undefined) {
      const i = sorted.findIndex((o) => o.id === before);
      if (i === -1) throw resourceMissing(kind, before, "ending_before");
      const head = sorted.slice(0, i);
      return makeList(head.slice(Math.max(0, head.length - limit)), head.length > limit, url);
    }
    return makeList(sorted.slice(0, limit), sorted.length > limit, url);
  }
}

function createdFilter(params: ParamMap): (created: number) => boolean {
  const c = params.created;
  if (c === undefined) return () => true;
  const asInt = (v: unknown, param: string): number => {
    if (typeof v !== "string" || !/^\d+$/.test(v)) throw invalidRequest(`Invalid integer: ${String(v)}`, { param, code: "parameter_invalid_integer" });
    return Number(v);
  };
  if (typeof c === "string") {
    const at = asInt(c, "created");
    return (t) => t === at;
  }
  if (Array.isArray(c)) throw invalidRequest("Invalid hash", { param: "created" });
  const ops: Array<(t: number) => boolean> = [];
  for (const [op, v] of Object.entries(c)) {
    const n = asInt(v, `created[${op}]`);
    if (op === "gt") ops.push((t) => t > n);
    else if (op === "gte") ops.push((t) => t >= n);
    else if (op === "lt") ops.push((t) => t < n);
    else if (op === "lte") ops.push((t) => t <= n);
    else throw invalidRequest(`Received unknown parameter: created[${op}]`, { param: `created[${op}]`, code: "parameter_unknown" });
  }
  return (t) => ops.every((f) => f(t));
}

/**
 * Webhooks for one payment are delivered in the order they happened; different payments are
 * independent, and so are different refunds of one payment. The key is the refund's own id,
 * else the payment intent an object belongs to, else the object's own id.
 */
function orderingKey(object: object & { id: string }): string {
  const o = object as { id: string; object?: unknown; payment_intent?: unknown; charge?: unknown };
  // Refunds of one payment are independent of each other (Stripe sends them concurrently);
  // a refund's own events stay in order.
  if (o.object === "refund") return o.id;
  if (typeof o.payment_intent === "string") return o.payment_intent;
  if (typeof o.charge === "string") return o.charge;
  return o.id;
}
