import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Refusal } from "../platform/use-case.ts";
import { ProblemError } from "./problem.ts";

/**
 * The problem response for a use case's refusal: the route says which HTTP status each of
 * its use case's codes gets (a code missing from the table is a bug: 500).
 */
export function problemFor<C extends string>(refusal: Refusal<C>, statuses: Record<C, ContentfulStatusCode>): ProblemError {
  const status = statuses[refusal.code];
  if (!status) throw new Error(`no HTTP status for the refusal ${refusal.code}`);
  return new ProblemError(status, refusal.code, {
    detail: refusal.detail,
    ...(refusal.errors ? { errors: refusal.errors } : {}),
    ...(refusal.facts ? { extensions: refusal.facts } : {}),
  });
}

/** The value of an outcome, or the route's problem response for its refusal. */
export function orProblem<T extends { ok: boolean }, C extends string>(outcome: T | Refusal<C>, statuses: Record<C, ContentfulStatusCode>): Exclude<T, Refusal<C>> {
  if (outcome.ok === false) throw problemFor(outcome as Refusal<C>, statuses);
  return outcome as Exclude<T, Refusal<C>>;
}
