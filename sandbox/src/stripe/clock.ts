// The stand-in's clock: real time plus an offset that tests move forward
// (`POST /_sandbox/clock/advance`), so that balance availability dates, link expiry and
// idempotency-key expiry can be reached without waiting. Every timestamp the stand-in writes
// (`created`, `available_on`, `expires_at`) comes from here. Webhook signatures keep real time:
// receivers check them against their own clock.

export class Clock {
  private offsetSeconds = 0;

  /** Unix seconds, as Stripe timestamps are. */
  now(): number {
    return Math.floor(Date.now() / 1000) + this.offsetSeconds;
  }

  nowMs(): number {
    return Date.now() + this.offsetSeconds * 1000;
  }

  get offset(): number {
    return this.offsetSeconds;
  }

  advance(seconds: number): void {
    if (!Number.isSafeInteger(seconds) || seconds < 0) throw new RangeError(`the clock only moves forward by whole seconds (got ${seconds})`);
    this.offsetSeconds += seconds;
  }

  reset(): void {
    this.offsetSeconds = 0;
  }
}
