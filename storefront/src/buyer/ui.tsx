import type { Problem } from "./api/client.ts";
import { onLink } from "./router.ts";

/** An error answer as people read it: a heading, the server's explanation, and a way on. */
export function ProblemView({ problem, title }: { problem: Problem; title?: string }) {
  const heading = title ?? (problem.status === 404 ? "Not found" : problem.status === 401 ? "Please sign in" : problem.status === 403 ? "Not allowed" : "Something went wrong");
  return (
    <section className="problem" role="alert" aria-labelledby="problem-title">
      <h1 id="problem-title">{heading}</h1>
      <p>{problem.detail ?? "Please try again."}</p>
      {problem.status === 401 ? (
        <p><a className="btn" href="/buy/sign-in" onClick={onLink}>Sign in</a></p>
      ) : (
        <p><a href="/buy" onClick={onLink}>Back to your gifts</a></p>
      )}
    </section>
  );
}

/** An inline message next to a form, announced when it appears. */
export function Notice({ problem, kind = "error" }: { problem: Problem | string | null; kind?: "error" | "ok" }) {
  if (!problem) return null;
  const text = typeof problem === "string" ? problem : (problem.detail ?? problem.title ?? problem.code);
  return (
    <p className={`notice ${kind}`} role={kind === "error" ? "alert" : "status"}>
      {text}
    </p>
  );
}
