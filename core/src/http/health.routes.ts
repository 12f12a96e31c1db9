import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Deps } from "../platform/deps.ts";
import { ProblemError, ProblemSchema, PROBLEM_CONTENT_TYPE } from "./problem.ts";
import type { AppEnv } from "./request-context.ts";
import { createRouter } from "./router.ts";

/**
 * `GET /health`: the process is up (liveness; touches nothing else).
 * `GET /ready`: the process can serve (readiness): the database answers and the job
 * queue's backing service is reachable, each within a short timeout.
 */
export interface HealthOptions {
  /** Time each readiness check may take before it counts as failed. Default 2000 ms. */
  checkTimeoutMs?: number;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 2_000;

const CheckSchema = z
  .object({
    status: z.enum(["ok", "fail"]),
    durationMs: z.number().openapi({ description: "How long the check took." }),
    reason: z.enum(["timeout", "error"]).optional().openapi({ description: "Why it failed (details are in the server log)." }),
  })
  .openapi("ReadinessCheck");

const ChecksSchema = z.object({ database: CheckSchema, queue: CheckSchema });

const healthRoute = createRoute({
  method: "get",
  path: "/health",
  tags: ["System"],
  summary: "Liveness",
  description: "Answers 200 while the process is up. Checks nothing else; use `/ready` for dependencies.",
  responses: {
    200: {
      description: "The process is up.",
      content: { "application/json": { schema: z.object({ status: z.literal("ok") }).openapi("Health") } },
    },
  },
});

const readyRoute = createRoute({
  method: "get",
  path: "/ready",
  tags: ["System"],
  summary: "Readiness",
  description:
    "Checks that the database answers and that the job queue's backing service is reachable, each " +
    "within a short timeout. A load balancer should send traffic only while this answers 200.",
  responses: {
    200: {
      description: "Ready: every check passed.",
      content: {
        "application/json": {
          schema: z.object({ status: z.literal("ok"), checks: ChecksSchema }).openapi("Readiness"),
        },
      },
    },
    503: {
      description: "Not ready: the problem's `checks` member says which checks failed.",
      content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema.extend({ checks: ChecksSchema }) } },
    },
  },
});

type Check = z.infer<typeof CheckSchema>;

export function healthRoutes(deps: Deps, opts: HealthOptions = {}): OpenAPIHono<AppEnv> {
  const timeoutMs = opts.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const router = createRouter();

  router.openapi(healthRoute, (c) => {
    c.header("cache-control", "no-store");
    return c.json({ status: "ok" as const }, 200);
  });

  router.openapi(readyRoute, async (c) => {
    const log = c.get("log");
    const run = async (name: string, probe: () => Promise<unknown>): Promise<Check> => {
      const started = performance.now();
      const outcome = await withTimeout(probe, timeoutMs);
      const durationMs = Math.round((performance.now() - started) * 10) / 10;
      if (outcome.ok) return { status: "ok", durationMs };
      log.warn({ check: name, reason: outcome.reason, err: outcome.error, durationMs }, "readiness check failed");
      return { status: "fail", reason: outcome.reason, durationMs };
    };
    const [database, queue] = await Promise.all([
      run("database", () => deps.db.sql.query("SELECT 1")),
      run("queue", () => deps.jobs.ping()),
    ]);
    const checks = { database, queue };
    const failed = Object.entries(checks)
      .filter(([, check]) => check.status === "fail")
      .map(([name]) => name);
    if (failed.length > 0) {
      throw new ProblemError(503, "not_ready", {
        detail: `Not ready: ${failed.join(", ")} check${failed.length > 1 ? "s" : ""} failed.`,
        extensions: { checks },
      });
    }
    c.header("cache-control", "no-store");
    return c.json({ status: "ok" as const, checks }, 200);
  });

  return router;
}

type Outcome = { ok: true } | { ok: false; reason: "timeout" | "error"; error?: unknown };

async function withTimeout(probe: () => Promise<unknown>, ms: number): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: "timeout" }), ms);
  });
  const attempt = (async (): Promise<Outcome> => {
    try {
      await probe();
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: "error", error };
    }
  })();
  try {
    return await Promise.race([attempt, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
