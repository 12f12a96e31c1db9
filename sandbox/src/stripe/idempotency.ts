import { idempotencyError, invalidRequest } from "./errors.ts";

// Stripe's idempotent requests: a POST with an `Idempotency-Key` whose first execution produced a
// result gets that same result back (status and body, with `Idempotent-Replayed: true`) for 24
// hours (on the stand-in's clock, so tests can outlive a key). Reusing the key for another
// endpoint or different parameters is an `idempotency_error`. Keys are scoped to the API key and
// the account the request acts as (`Stripe-Account`).
// As at Stripe, a result is only saved when the endpoint actually ran: successes and card
// declines (402) are saved; requests refused by validation are not, so they can be corrected and
// retried under the same key.

export interface SavedResponse {
  status: number;
  body: string;
  headers: Record<string, string>;
  requestId: string;
}

interface Entry extends SavedResponse {
  endpoint: string;
  params: string;
  savedAt: number;
}

const TTL_MS = 24 * 60 * 60 * 1000;

export class IdempotencyCache {
  private readonly entries = new Map<string, Entry>();

  /** `nowMs`: the clock keys expire by (default real time). */
  constructor(private readonly nowMs: () => number = Date.now) {}

  /** The saved response to replay, null if the key is new; throws on a conflicting reuse. */
  lookup(scope: string, key: string, endpoint: string, params: string): SavedResponse | null {
    if (key.length > 255) throw invalidRequest("Idempotency-Key must be at most 255 characters long.", { param: "Idempotency-Key" });
    const entry = this.entries.get(`${scope}\u0000${key}`);
    if (!entry || this.nowMs() - entry.savedAt > TTL_MS) return null;
    if (entry.endpoint !== endpoint) {
      throw idempotencyError(
        `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${entry.endpoint}' vs '${endpoint}'). Try using a key other than '${key}' if you meant to execute a different request.`,
      );
    }
    if (entry.params !== params) {
      throw idempotencyError(
        `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
      );
    }
    return entry;
  }

  save(scope: string, key: string, endpoint: string, params: string, response: SavedResponse): void {
    if (response.status >= 300 && response.status !== 402) return;
    this.entries.set(`${scope}\u0000${key}`, { ...response, endpoint, params, savedAt: this.nowMs() });
  }

  clear(): void {
    this.entries.clear();
  }
}
