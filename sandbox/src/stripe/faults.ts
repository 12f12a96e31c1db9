import { invalidRequest } from "./errors.ts";
import type { ParamMap } from "./form.ts";
import { checkParams, str, strings } from "./params.ts";

// Fault injection for reliability tests, on API requests (`/v1/...`) only:
//   - "500": Stripe answers 500 `api_error` before doing anything (the SDK retries these);
//   - "rate_limit": 429 `rate_limit` before doing anything (the SDK surfaces StripeRateLimitError);
//   - "timeout": the request hangs `hangMs`, then the connection drops unanswered; in half the
//     cases the work was done first (committed, and replayed to a retry with the same
//     Idempotency-Key), as when a real answer is lost;
//   - `dropAfterCommit: n`: the next n matching POSTs run and commit, then the answer is lost.
// `paths` (prefixes, e.g. "/v1/transfers") and `postsOnly` narrow which requests are affected.

export type FaultKind = "500" | "timeout" | "rate_limit";
export const FAULT_KINDS: readonly FaultKind[] = ["500", "timeout", "rate_limit"];

export interface Faults {
  /** Fraction (0..1) of matching requests that fail with one of `kinds`. */
  rate?: number;
  kinds?: FaultKind[];
  /** How long a "timeout" request hangs before its connection drops (default 2000 ms). */
  hangMs?: number;
  /** Only requests whose path starts with one of these (default: every API request). */
  paths?: string[];
  /** Only POST requests (default: GETs too). */
  postsOnly?: boolean;
  /** The next n matching POSTs are executed and committed, then their connection drops unanswered. */
  dropAfterCommit?: number;
  /** Random source (default Math.random). */
  random?: () => number;
}

export interface FaultCounts {
  "500": number;
  timeout: number;
  rate_limit: number;
  dropped: number;
}

export class FaultInjector {
  private faults: Faults = {};
  readonly counts: FaultCounts = { "500": 0, timeout: 0, rate_limit: 0, dropped: 0 };

  set(faults: Faults): void {
    this.faults = { ...faults };
  }

  get config(): Faults {
    return { ...this.faults };
  }

  private matches(method: string, path: string): boolean {
    if (!path.startsWith("/v1/")) return false;
    if (this.faults.postsOnly && method !== "POST") return false;
    const paths = this.faults.paths;
    return !paths?.length || paths.some((p) => path.startsWith(p));
  }

  private random(): number {
    return (this.faults.random ?? Math.random)();
  }

  /** The fault this request gets, if any. */
  pick(method: string, path: string): FaultKind | null {
    const rate = this.faults.rate ?? 0;
    const kinds = this.faults.kinds ?? [];
    if (rate <= 0 || kinds.length === 0 || !this.matches(method, path)) return null;
    if (this.random() >= rate) return null;
    const kind = kinds[Math.floor(this.random() * kinds.length)] ?? kinds[0]!;
    this.counts[kind]++;
    return kind;
  }

  /** Whether a timed-out request did its work before the answer was lost. */
  workDoneBeforeTimeout(): boolean {
    return this.random() < 0.5;
  }

  get hangMs(): number {
    return this.faults.hangMs ?? 2_000;
  }

  /** Whether this POST's answer is to be dropped after it committed (consumes one of `dropAfterCommit`). */
  takeDrop(method: string, path: string): boolean {
    if (method !== "POST" || (this.faults.dropAfterCommit ?? 0) <= 0 || !this.matches(method, path)) return false;
    this.faults.dropAfterCommit = (this.faults.dropAfterCommit ?? 0) - 1;
    this.counts.dropped++;
    return true;
  }

  reset(): void {
    this.faults = {};
    Object.assign(this.counts, { "500": 0, timeout: 0, rate_limit: 0, dropped: 0 });
  }
}

/** `POST /_sandbox/faults` parameters (form or JSON): rate, kinds[], hang_ms, paths[], posts_only, drop_after_commit. */
export function faultsFromParams(p: ParamMap): Faults {
  checkParams(p, { rate: "string", kinds: "strings", hang_ms: "int", paths: "strings", posts_only: "bool", drop_after_commit: "int" });
  const faults: Faults = {};
  const rate = str(p, "rate");
  if (rate !== undefined) {
    const n = Number(rate);
    if (!Number.isFinite(n) || n < 0 || n > 1) throw invalidRequest("rate must be a number between 0 and 1.", { param: "rate" });
    faults.rate = n;
  }
  const kinds = strings(p, "kinds");
  if (kinds) {
    for (const [i, k] of kinds.entries()) {
      if (!(FAULT_KINDS as readonly string[]).includes(k)) throw invalidRequest(`Unknown fault kind ${k}: use ${FAULT_KINDS.join(", ")}.`, { param: `kinds[${i}]` });
    }
    faults.kinds = kinds as FaultKind[];
  }
  const hang = str(p, "hang_ms");
  if (hang !== undefined) faults.hangMs = Number(hang);
  const paths = strings(p, "paths");
  if (paths) faults.paths = paths;
  const postsOnly = str(p, "posts_only");
  if (postsOnly !== undefined) faults.postsOnly = postsOnly === "true";
  const drop = str(p, "drop_after_commit");
  if (drop !== undefined) faults.dropAfterCommit = Number(drop);
  return faults;
}
