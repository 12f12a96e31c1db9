import { createHmac } from "node:crypto";
import http from "node:http";
import https from "node:https";
import { setTimeout as sleep } from "node:timers/promises";
import { nowSeconds } from "./ids.ts";
import type { StripeEvent } from "./objects.ts";

/** Deliveries in flight at once, across all endpoints. */
const MAX_IN_FLIGHT = 16;

// Webhook delivery as Stripe does it: each event is POSTed as JSON to the endpoint with a
// `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` header keyed by
// the endpoint's signing secret (`whsec_...`), re-signed on every attempt. Any non-2xx answer,
// network error or timeout is retried with backoff. The body is pretty-printed like Stripe's, so a
// receiver that re-serialises the JSON before verifying (a classic bug) fails here as it would
// in production.

/** The `Stripe-Signature` header for a payload, as Stripe computes it. */
export function stripeSignatureHeader(payload: string, secret: string, timestamp: number = nowSeconds()): string {
  const v1 = createHmac("sha256", secret).update(`${timestamp}.${payload}`, "utf8").digest("hex");
  return `t=${timestamp},v1=${v1}`;
}

export interface RetryPolicy {
  /** Wait before each retry; its length is the number of retries after the first attempt. */
  delaysMs: number[];
  /** How long one attempt may take before it counts as failed. */
  timeoutMs: number;
}

/** Sandbox default: a compressed version of Stripe's backoff (Stripe itself retries for days). */
export const DEFAULT_RETRY: RetryPolicy = { delaysMs: [1_000, 5_000, 30_000, 120_000], timeoutMs: 10_000 };

export interface WebhookAttempt {
  /** When the attempt started (ISO 8601). */
  at: string;
  /** HTTP status of the answer, null on a network error or timeout. */
  status: number | null;
  error: string | null;
  durationMs: number;
}

/** Where events go: platform endpoints get the platform's own events, Connect endpoints those of connected accounts. */
export interface WebhookEndpoint {
  url: string;
  secret: string;
  connect: boolean;
}

export interface WebhookDelivery {
  eventId: string;
  eventType: string;
  url: string;
  /** Sent to a Connect endpoint (the event carries `account`). */
  connect: boolean;
  /** `pending` while attempts remain, then `delivered` (2xx) or `failed` (retries exhausted). */
  status: "pending" | "delivered" | "failed";
  attempts: WebhookAttempt[];
  lastStatus: number | null;
}

export class WebhookSender {
  private readonly records: WebhookDelivery[] = [];
  private readonly chains = new Map<string, Promise<void>>();
  private abort = new AbortController();

  constructor(
    private readonly opts: {
      retry: RetryPolicy;
      onSettled: (eventId: string, delivered: boolean) => void;
      log: (line: string) => void;
    },
  ) {}

  get deliveries(): WebhookDelivery[] {
    return structuredClone(this.records);
  }

  /** Queues an event for an endpoint, after earlier events for that endpoint with the same ordering key. */
  enqueue(event: StripeEvent, endpoint: WebhookEndpoint, orderingKey: string): void {
    const record: WebhookDelivery = {
      eventId: event.id,
      eventType: event.type,
      url: endpoint.url,
      connect: endpoint.connect,
      status: "pending",
      attempts: [],
      lastStatus: null,
    };
    this.records.push(record);
    const payload = JSON.stringify(event, null, 2);
    const signal = this.abort.signal;
    const chainKey = `${endpoint.url}\u0000${orderingKey}`;
    const prev = this.chains.get(chainKey) ?? Promise.resolve();
    const next = prev.then(() => this.deliver(record, payload, endpoint.secret, signal));
    this.chains.set(chainKey, next);
    void next.finally(() => {
      if (this.chains.get(chainKey) === next) this.chains.delete(chainKey);
    });
  }

  /** Resolves once every queued delivery has succeeded or run out of retries. */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }

  /** Drops queued deliveries and forgets the records (in-flight attempts are abandoned). */
  reset(): void {
    this.abort.abort();
    this.abort = new AbortController();
    this.chains.clear();
    this.records.length = 0;
  }

  private async deliver(record: WebhookDelivery, payload: string, secret: string, signal: AbortSignal): Promise<void> {
    const { delaysMs } = this.opts.retry;
    for (let attempt = 0; attempt <= delaysMs.length; attempt++) {
      if (attempt > 0) {
        try {
          await sleep(delaysMs[attempt - 1] ?? 0, undefined, { signal });
        } catch {
          return; // reset or stopped
        }
      }
      if (signal.aborted) return;
      const started = Date.now();
      const result = await this.limited(() => this.post(record.url, payload, secret, signal));
      if (signal.aborted) return;
      record.attempts.push({ at: new Date(started).toISOString(), status: result.status, error: result.error, durationMs: Date.now() - started });
      record.lastStatus = result.status;
      if (result.status !== null && result.status >= 200 && result.status < 300) {
        record.status = "delivered";
        this.opts.onSettled(record.eventId, true);
        return;
      }
      this.opts.log(`webhook ${record.eventType} ${record.eventId} attempt ${attempt + 1} failed: ${result.error ?? `HTTP ${result.status}`}`);
    }
    record.status = "failed";
    this.opts.onSettled(record.eventId, false);
  }

  /** Like Stripe, a bounded number of deliveries in flight at once (a burst of refunds is not 500 sockets). */
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  private async limited<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => this.waiting.push(r));
    this.inFlight++;
    try {
      return await fn();
    } finally {
      this.inFlight--;
      this.waiting.shift()?.();
    }
  }

  private post(url: string, payload: string, secret: string, signal: AbortSignal): Promise<{ status: number | null; error: string | null }> {
    return new Promise((resolve) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        resolve({ status: null, error: `invalid webhook URL: ${url}` });
        return;
      }
      const client = target.protocol === "https:" ? https : http;
      const req = client.request(
        target,
        {
          method: "POST",
          signal,
          timeout: this.opts.retry.timeoutMs,
          headers: {
            "Content-Type": "application/json; charset=utf-8",
            "Content-Length": Buffer.byteLength(payload),
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            "Cache-Control": "no-cache",
            Accept: "*/*; q=0.5, application/xml",
            "Stripe-Signature": stripeSignatureHeader(payload, secret),
          },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode ?? null, error: null }));
          res.on("error", (e) => resolve({ status: null, error: e.message }));
        },
      );
      req.on("timeout", () => req.destroy(new Error(`timed out after ${this.opts.retry.timeoutMs} ms`)));
      req.on("error", (e) => resolve({ status: null, error: e.message }));
      req.end(payload);
    });
  }
}
