import type { Problem } from "./gift-types.ts";

/** "15 minutes", "30 seconds", "2 hours": how long a recipient has to wait. */
export function waitFor(seconds: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (seconds < 60) return unit(Math.max(1, Math.ceil(seconds)), "second");
  if (seconds < 3600) return unit(Math.ceil(seconds / 60), "minute");
  return unit(Math.ceil(seconds / 3600), "hour");
}

/** Why a gift code did not open a gift, in the server's own words where it has them. */
export function codeProblem(p: Problem): { message: string; aboutCode: boolean } {
  return { message: codeProblemMessage(p), aboutCode: p.code === "invalid_code" || p.code === "code_not_found" };
}

export function codeProblemMessage(p: Problem): string {
  if (p.status === 429) {
    const when = p.retryAfter !== undefined ? `Try again in ${waitFor(p.retryAfter)}.` : "Try again in a few minutes.";
    return p.code === "code_locked" ? `This code is locked after too many attempts. ${when}` : `Too many attempts. ${when}`;
  }
  if (p.code === "code_not_found") return `${p.detail ?? "No gift has this code."} Check it against your gift email or card.`;
  return p.detail ?? "Something went wrong. Please try again.";
}
