import { afterEach, describe, expect, it, vi } from "vitest";
import { RecipientSession, retryAfterSeconds, type Result } from "./api.ts";
import type { Problem } from "./gift-types.ts";
import { codeProblemMessage, waitFor } from "./problems.ts";

const expired: Result<never> = { ok: false, problem: { status: 401, code: "invalid_recipient_token" } };

describe("recipient session", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("renews an expired token with the gift code and tries once more", async () => {
    const stored: string[] = [];
    vi.stubGlobal("sessionStorage", { setItem: (_k: string, v: string) => stored.push(v) });
    const exchange = vi.fn(async () => ({ ok: true as const, value: { token: "fresh" } }));
    const session = new RecipientSession("old", "ABCDE", exchange);
    const seen: string[] = [];
    const r = await session.run(async (t) => (seen.push(t), t === "old" ? expired : { ok: true as const, value: t }));
    expect(r).toEqual({ ok: true, value: "fresh" });
    expect(seen).toEqual(["old", "fresh"]);
    expect(exchange).toHaveBeenCalledWith("ABCDE");
    expect(stored).toEqual(["fresh"]);
  });

  it("gives the 401 back when there is no code, or the code no longer opens a session", async () => {
    const op = vi.fn(async () => expired);
    expect(await new RecipientSession("old", null).run(op)).toBe(expired);
    const refused = vi.fn(async (): Promise<Result<{ token: string }>> => ({ ok: false, problem: { status: 429, code: "too_many_attempts" } }));
    expect(await new RecipientSession("old", "ABCDE", refused).run(op)).toBe(expired);
    expect(op).toHaveBeenCalledTimes(2);
  });

  it("does not renew for other problems", async () => {
    const exchange = vi.fn();
    const gone: Result<never> = { ok: false, problem: { status: 410, code: "expired" } };
    expect(await new RecipientSession("t", "ABCDE", exchange).run(async () => gone)).toBe(gone);
    expect(exchange).not.toHaveBeenCalled();
  });
});

describe("waiting and code problems", () => {
  it("reads Retry-After as seconds or a date", () => {
    expect(retryAfterSeconds("900")).toBe(900);
    expect(retryAfterSeconds(new Date(60_000).toUTCString(), 0)).toBe(60);
    expect(retryAfterSeconds(null)).toBeUndefined();
  });

  it("says how long to wait in words", () => {
    expect(waitFor(1)).toBe("1 second");
    expect(waitFor(45)).toBe("45 seconds");
    expect(waitFor(900)).toBe("15 minutes");
    expect(waitFor(61)).toBe("2 minutes");
    expect(waitFor(7200)).toBe("2 hours");
  });

  it("uses the server's words for a bad code, and Retry-After for too many attempts", () => {
    const p = (x: Partial<Problem>): Problem => ({ status: 422, code: "invalid_code", ...x });
    expect(codeProblemMessage(p({ detail: "This code has a typo: check each character." }))).toBe("This code has a typo: check each character.");
    expect(codeProblemMessage(p({ status: 429, code: "too_many_attempts", retryAfter: 900 }))).toBe("Too many attempts. Try again in 15 minutes.");
    expect(codeProblemMessage(p({ status: 429, code: "code_locked" }))).toBe("This code is locked after too many attempts. Try again in a few minutes.");
  });
});
