// Fault injection for reliability tests: a fraction of calls (Accounting API, token endpoint,
// or both) answer 500, 503 or 429, or hang then drop; `dropAfterCommit` drops the answer of
// writes that ran.
import type http from "node:http";
import type { XeroContext } from "./context.ts";
import { sleep, type Send } from "./http-io.ts";

export type InjectedFault = "500" | "503" | "timeout" | "429";

/** A fault to inject for this call, if any (null: none; "drop": run it, then drop the answer). */
export function pickFault(ctx: XeroContext, scope: "accounting" | "token", method: string): InjectedFault | "drop" | null {
  const faults = ctx.faults;
  const inScope = (faults.scope ?? "accounting") === scope || faults.scope === "all";
  if (!inScope) return null;
  const write = method !== "GET";
  if (write && (faults.dropAfterCommit ?? 0) > 0) {
    faults.dropAfterCommit = (faults.dropAfterCommit ?? 0) - 1;
    return "drop";
  }
  if (!faults.rate || !faults.kinds?.length || (faults.writesOnly && !write)) return null;
  const rnd = faults.random ?? Math.random;
  if (rnd() >= faults.rate) return null;
  return faults.kinds[Math.floor(rnd() * faults.kinds.length)] ?? null;
}

/** Answers with the fault instead of doing the call (a timeout hangs, then drops the connection). */
export async function injectFault(ctx: XeroContext, kind: InjectedFault, res: http.ServerResponse, send: Send): Promise<void> {
  ctx.faultCounts[kind]++;
  if (kind === "timeout") {
    await sleep(ctx.faults.hangMs ?? 2000);
    res.socket?.destroy();
    return;
  }
  if (kind === "429") {
    send({ status: 429, headers: { "Retry-After": "1", "X-Rate-Limit-Problem": "minute", "X-MinLimit-Remaining": "0" }, body: { Title: "Too Many Requests", Status: 429, Detail: "Rate limit exceeded" } });
    return;
  }
  send({
    status: Number(kind),
    body: {
      Title: kind === "500" ? "An error occurred" : "Service Unavailable",
      Status: Number(kind),
      Detail: "An error occurred in Xero. Check the API Status page http://status.developer.xero.com for current service status.",
    },
  });
}

/** A call that ran loses its answer: the connection drops. */
export function dropAnswer(ctx: XeroContext, res: http.ServerResponse): void {
  ctx.faultCounts.dropped++;
  res.socket?.destroy();
}
