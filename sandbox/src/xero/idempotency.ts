import { createHash } from "node:crypto";
import { XeroHttpError } from "./errors.ts";

/**
 * Xero's idempotent requests: a PUT/POST with an `Idempotency-Key` (at most 128 characters,
 * per app and organisation) whose first request was answered gets that same answer again
 * (status and body) while the key is remembered; the same key with a different request
 * (method, path, query or body) is a 400. Answers the operation produced are remembered,
 * validation failures included; refusals in front of it (auth, rate limits, injected faults)
 * are not. Xero remembers a key for minutes, not hours (default here: 6 minutes), so callers
 * must still look for what an earlier attempt made before creating again.
 */

export interface SavedAnswer {
  status: number;
  body: string;
  contentType: string;
}

interface Entry extends SavedAnswer {
  fingerprint: string;
  savedAt: number;
}

export const DEFAULT_IDEMPOTENCY_TTL_MS = 6 * 60_000;

export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: () => number,
    public ttlMs = DEFAULT_IDEMPOTENCY_TTL_MS,
  ) {}

  static fingerprint(method: string, pathname: string, search: string, body: string): string {
    return createHash("sha256").update(`${method}\n${pathname.toLowerCase()}\n${search}\n${body}`).digest("hex");
  }

  /** The answer to replay, null for a new key; throws the 400 for a reused key. */
  lookup(scope: string, key: string, fingerprint: string): SavedAnswer | null {
    if (key.length > 128) throw new XeroHttpError(400, { ErrorNumber: 10, Type: "ValidationException", Message: "The Idempotency-Key must be 128 characters or less." });
    const e = this.entries.get(`${scope}\u0000${key}`);
    if (!e || this.clock() - e.savedAt > this.ttlMs) return null;
    if (e.fingerprint !== fingerprint) {
      throw new XeroHttpError(400, { ErrorNumber: 10, Type: "ValidationException", Message: `Idempotency-Key '${key}' is used with a different request.` });
    }
    return e;
  }

  save(scope: string, key: string, fingerprint: string, answer: SavedAnswer): void {
    this.entries.set(`${scope}\u0000${key}`, { ...answer, fingerprint, savedAt: this.clock() });
  }

  clear(): void {
    this.entries.clear();
  }
}
