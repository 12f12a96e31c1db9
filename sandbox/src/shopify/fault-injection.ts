// Fault injection for reliability tests (GraphQL requests only): a fraction of requests answer
// 500, hang then drop, or are THROTTLED; `dropAfterCommit` drops the answer of mutations that ran.
import type { StandInContext } from "./context.ts";
import type { Faults } from "./types.ts";

export type FaultKind = "500" | "timeout" | "throttled";

/** The fault this request gets, if any (counted in `faultCounts`). */
export function pickFault(ctx: StandInContext, mutation: boolean): FaultKind | null {
  const faults = ctx.faults;
  const rate = faults.rate ?? 0;
  const kinds = faults.kinds ?? [];
  if (rate <= 0 || !kinds.length || (faults.mutationsOnly && !mutation)) return null;
  const random = faults.random ?? Math.random;
  if (random() >= rate) return null;
  const kind = kinds[Math.floor(random() * kinds.length)] ?? kinds[0]!;
  ctx.faultCounts[kind]++;
  return kind;
}

/** Whether this mutation's answer is to be dropped after it ran (counts it down). */
export function takeDropAfterCommit(ctx: StandInContext): boolean {
  if ((ctx.faults.dropAfterCommit ?? 0) <= 0) return false;
  ctx.faults.dropAfterCommit = ctx.faults.dropAfterCommit! - 1;
  ctx.faultCounts.dropped++;
  return true;
}

/** The faults of a POST /_sandbox/faults body (fields of the wrong type are left out). */
export function faultsFromBody(body: Record<string, unknown>): Faults {
  return {
    ...(typeof body.rate === "number" ? { rate: body.rate } : {}),
    ...(Array.isArray(body.kinds) ? { kinds: body.kinds as Faults["kinds"] } : {}),
    ...(typeof body.hangMs === "number" ? { hangMs: body.hangMs } : {}),
    ...(typeof body.mutationsOnly === "boolean" ? { mutationsOnly: body.mutationsOnly } : {}),
    ...(typeof body.dropAfterCommit === "number" ? { dropAfterCommit: body.dropAfterCommit } : {}),
  };
}
