/**
 * Xero's API rate limits, per organisation (tenant) and app-wide:
 *   60 calls per rolling minute, 5,000 per rolling day and 5 in flight per tenant;
 *   10,000 calls per minute for the app across tenants.
 * Every Accounting answer carries X-MinLimit-Remaining, X-DayLimit-Remaining and
 * X-AppMinLimit-Remaining; a call over a limit gets 429 with X-Rate-Limit-Problem
 * (minute, day, concurrent or appminute) and, for the minute and day limits, Retry-After in
 * seconds. Refused calls do not count. The defaults are Xero's; tests lower them.
 */

export interface RateLimits {
  perMinute: number;
  perDay: number;
  concurrent: number;
  appPerMinute: number;
  enabled: boolean;
}

export const XERO_LIMITS: RateLimits = { perMinute: 60, perDay: 5000, concurrent: 5, appPerMinute: 10_000, enabled: true };

const MINUTE = 60_000;
const DAY = 86_400_000;

export type Admission =
  | { ok: true; headers: Record<string, string>; release: () => void }
  | { ok: false; headers: Record<string, string>; problem: "minute" | "day" | "concurrent" | "appminute" };

function prune(times: number[], now: number, window: number): void {
  let i = 0;
  while (i < times.length && (times[i] as number) <= now - window) i++;
  if (i) times.splice(0, i);
}

export class RateLimiter {
  private readonly minute = new Map<string, number[]>();
  private readonly day = new Map<string, number[]>();
  private readonly inFlight = new Map<string, number>();
  private readonly app: number[] = [];
  /** 429s answered, by problem (tests and benchmarks). */
  readonly refusals = { minute: 0, day: 0, concurrent: 0, appminute: 0 };

  constructor(
    public limits: RateLimits,
    private readonly clock: () => number,
  ) {}

  reset(): void {
    this.minute.clear();
    this.day.clear();
    this.inFlight.clear();
    this.app.length = 0;
    for (const k of Object.keys(this.refusals) as Array<keyof typeof this.refusals>) this.refusals[k] = 0;
  }

  private series(map: Map<string, number[]>, tenant: string): number[] {
    let s = map.get(tenant);
    if (!s) map.set(tenant, (s = []));
    return s;
  }

  private headers(min: number[], day: number[]): Record<string, string> {
    const l = this.limits;
    return {
      "X-MinLimit-Remaining": String(Math.max(0, l.perMinute - min.length)),
      "X-DayLimit-Remaining": String(Math.max(0, l.perDay - day.length)),
      "X-AppMinLimit-Remaining": String(Math.max(0, l.appPerMinute - this.app.length)),
    };
  }

  /** Admits a call for `tenant` (counting it) or refuses it with the limit it hit. */
  admit(tenant: string): Admission {
    const now = this.clock();
    const min = this.series(this.minute, tenant);
    const day = this.series(this.day, tenant);
    prune(min, now, MINUTE);
    prune(day, now, DAY);
    prune(this.app, now, MINUTE);
    const l = this.limits;
    if (l.enabled) {
      const refuse = (problem: "minute" | "day" | "concurrent" | "appminute", oldest?: number, window = MINUTE): Admission => {
        this.refusals[problem]++;
        const headers = this.headers(min, day);
        headers["X-Rate-Limit-Problem"] = problem;
        if (oldest !== undefined) headers["Retry-After"] = String(Math.max(1, Math.ceil((oldest + window - now) / 1000)));
        return { ok: false, headers, problem };
      };
      if (this.app.length >= l.appPerMinute) return refuse("appminute", this.app[0]);
      if (day.length >= l.perDay) return refuse("day", day[0], DAY);
      if (min.length >= l.perMinute) return refuse("minute", min[0]);
      if ((this.inFlight.get(tenant) ?? 0) >= l.concurrent) return refuse("concurrent");
    }
    min.push(now);
    day.push(now);
    this.app.push(now);
    this.inFlight.set(tenant, (this.inFlight.get(tenant) ?? 0) + 1);
    let released = false;
    return {
      ok: true,
      headers: this.headers(min, day),
      release: () => {
        if (released) return;
        released = true;
        this.inFlight.set(tenant, Math.max(0, (this.inFlight.get(tenant) ?? 1) - 1));
      },
    };
  }
}
