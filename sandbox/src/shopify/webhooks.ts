import { createHmac, randomUUID } from "node:crypto";
import http from "node:http";
import https from "node:https";
import { setTimeout as sleep } from "node:timers/promises";

// Webhook delivery as Shopify does it: a POST of the JSON payload with
//   X-Shopify-Topic, X-Shopify-Hmac-Sha256 (base64 HMAC-SHA256 of the raw body, keyed by the
//   app's client secret), X-Shopify-Shop-Domain, X-Shopify-Webhook-Id (the same on every retry
//   of one delivery), X-Shopify-Event-Id, X-Shopify-API-Version, X-Shopify-Triggered-At.
// Any non-2xx answer, network error or timeout is retried with backoff (Shopify retries 8 times
// over 4 hours; the sandbox compresses that). Deliveries are not ordered, as at Shopify.

export function shopifyHmac(body: string | Buffer, secret: string): string {
  return createHmac("sha256", secret).update(body).digest("base64");
}

export interface RetryPolicy {
  delaysMs: number[];
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { delaysMs: [1_000, 5_000, 30_000, 120_000], timeoutMs: 5_000 };

export interface WebhookDelivery {
  webhookId: string;
  eventId: string;
  topic: string;
  shop: string;
  url: string;
  status: "pending" | "delivered" | "failed";
  attempts: Array<{ at: string; status: number | null; error: string | null; durationMs: number }>;
  /** When the first attempt was sent (ms since epoch), for latency measurements. */
  firstSentAt: number | null;
}

export class WebhookEmitter {
  private readonly records: WebhookDelivery[] = [];
  private readonly pending = new Set<Promise<void>>();
  private abort = new AbortController();
  private readonly agents = { http: new http.Agent({ keepAlive: true, maxSockets: 64 }), https: new https.Agent({ keepAlive: true, maxSockets: 64 }) };

  constructor(
    private readonly opts: { secret: string; apiVersion: string; retry: RetryPolicy; log: (line: string) => void },
  ) {}

  get deliveries(): WebhookDelivery[] {
    return structuredClone(this.records);
  }

  /** Queues one delivery of `payload` for `topic` to `url`; returns its record (live). */
  emit(shop: string, topic: string, url: string, payload: unknown, opts: { webhookId?: string; triggeredAt?: Date } = {}): WebhookDelivery {
    const record: WebhookDelivery = {
      webhookId: opts.webhookId ?? randomUUID(),
      eventId: randomUUID(),
      topic,
      shop,
      url,
      status: "pending",
      attempts: [],
      firstSentAt: null,
    };
    this.records.push(record);
    const body = JSON.stringify(payload);
    const headers = {
      "Content-Type": "application/json",
      "Content-Length": String(Buffer.byteLength(body)),
      "User-Agent": "Shopify-Captain-Hook",
      Accept: "*/*",
      "X-Shopify-Topic": topic,
      "X-Shopify-Hmac-Sha256": shopifyHmac(body, this.opts.secret),
      "X-Shopify-Shop-Domain": shop,
      "X-Shopify-Webhook-Id": record.webhookId,
      "X-Shopify-Event-Id": record.eventId,
      "X-Shopify-API-Version": this.opts.apiVersion,
      "X-Shopify-Triggered-At": (opts.triggeredAt ?? new Date()).toISOString(),
    };
    const p = this.deliver(record, body, headers, this.abort.signal).finally(() => this.pending.delete(p));
    this.pending.add(p);
    return record;
  }

  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  reset(): void {
    this.abort.abort();
    this.abort = new AbortController();
    this.pending.clear();
    this.records.length = 0;
  }

  close(): void {
    this.reset();
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private async deliver(record: WebhookDelivery, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<void> {
    const { delaysMs } = this.opts.retry;
    for (let attempt = 0; attempt <= delaysMs.length; attempt++) {
      if (attempt > 0) {
        try {
          await sleep(delaysMs[attempt - 1] ?? 0, undefined, { signal });
        } catch {
          return;
        }
      }
      if (signal.aborted) return;
      const started = Date.now();
      record.firstSentAt ??= started;
      const r = await this.post(record.url, body, headers, signal);
      if (signal.aborted) return;
      record.attempts.push({ at: new Date(started).toISOString(), status: r.status, error: r.error, durationMs: Date.now() - started });
      if (r.status !== null && r.status >= 200 && r.status < 300) {
        record.status = "delivered";
        return;
      }
      this.opts.log(`shopify webhook ${record.topic} ${record.webhookId} attempt ${attempt + 1} failed: ${r.error ?? `HTTP ${r.status}`}`);
    }
    record.status = "failed";
  }

  private post(url: string, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<{ status: number | null; error: string | null }> {
    return new Promise((resolve) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        resolve({ status: null, error: `invalid webhook URL: ${url}` });
        return;
      }
      const secure = target.protocol === "https:";
      const req = (secure ? https : http).request(
        target,
        { method: "POST", signal, timeout: this.opts.retry.timeoutMs, headers, agent: secure ? this.agents.https : this.agents.http },
        (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode ?? null, error: null }));
          res.on("error", (e) => resolve({ status: null, error: e.message }));
        },
      );
      req.on("timeout", () => req.destroy(new Error(`timed out after ${this.opts.retry.timeoutMs} ms`)));
      req.on("error", (e) => resolve({ status: null, error: e.message }));
      req.end(body);
    });
  }
}
