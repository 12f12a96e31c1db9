import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { listDeadLetters, replayDeadLetter } from "../jobs/dead-letters.ts";
import { JOB_STATUSES, jobStats, type JobStatus } from "../jobs/stats.ts";
import type { Deps } from "../platform/deps.ts";
import {
  operatorAuth,
  operatorContext,
  operatorSecurityScheme,
  OPERATOR_SECURITY_SCHEME,
  type OperatorVariables,
} from "./operator-auth.ts";
import { ProblemError, problemResponses } from "./problem.ts";
import type { AppEnv } from "./request-context.ts";
import { createRouter } from "./router.ts";

/**
 * The operator API, mounted at `/v1/operator`: dead-lettered jobs (list, replay) and job
 * counts. Every route needs an operator token.
 */
export type OperatorEnv = AppEnv & { Variables: OperatorVariables };

export const OPERATOR_PREFIX = "/v1/operator";

const security = [{ [OPERATOR_SECURITY_SCHEME]: [] }];

export const DeadLetterSchema = z
  .object({
    id: z.uuid().openapi({ description: "Dead-letter record id (use it to replay)." }),
    jobId: z.uuid().openapi({ description: "The job that died; a replay re-queues this same job." }),
    type: z.string().openapi({ example: "maintenance.prune-finished-jobs" }),
    idempotencyKey: z.string(),
    payload: z.unknown().openapi({ description: "The job's payload, as enqueued." }),
    attempts: z.number().int().openapi({ description: "Attempts made before it was dead-lettered." }),
    lastError: z.string().nullable(),
    source: z.string().openapi({ description: "What dead-lettered it: `db`, `sqs` or `sqs-redrive`." }),
    failedAt: z.iso.datetime(),
    replayedAt: z.iso.datetime().nullable().openapi({ description: "Set once replayed; null while waiting." }),
  })
  .openapi("DeadLetter");

const listDeadLettersRoute = createRoute({
  method: "get",
  path: "/dead-letters",
  tags: ["Operator"],
  summary: "List dead-lettered jobs",
  description: "Newest first. By default only those not yet replayed.",
  security,
  request: {
    query: z.object({
      type: z
        .string()
        .min(1)
        .max(200)
        .regex(/^[A-Za-z0-9._:/-]+$/, "a job type has letters, digits and . _ : / - only")
        .optional()
        .openapi({ description: "Only this job type.", example: "jobs.prune_finished" }),
      includeReplayed: z
        .enum(["true", "false"])
        .optional()
        .openapi({ description: "Also list dead letters that were already replayed.", example: "false" }),
      limit: z.coerce
        .number()
        .int()
        .min(1)
        .max(1000)
        .optional()
        .openapi({ description: "At most this many (1 to 1000; default 100).", example: 100 }),
    }),
  },
  responses: {
    200: {
      description: "The dead letters.",
      content: {
        "application/json": {
          schema: z.object({ items: z.array(DeadLetterSchema) }).openapi("DeadLetterList"),
        },
      },
    },
    ...problemResponses(400, 401, 403),
  },
});

const replayRoute = createRoute({
  method: "post",
  path: "/dead-letters/{id}/replay",
  tags: ["Operator"],
  summary: "Replay a dead-lettered job",
  description:
    "Puts the job back in the queue with fresh attempts (same job, same idempotency key). " +
    "A dead letter is replayed once: a second call answers 409 `already_replayed`.",
  security,
  request: {
    params: z.object({
      id: z.uuid().openapi({ param: { name: "id", in: "path" }, description: "The dead-letter id." }),
    }),
  },
  responses: {
    202: {
      description: "Re-queued.",
      content: {
        "application/json": {
          schema: z
            .object({ jobId: z.uuid().openapi({ description: "The re-queued job." }) })
            .openapi("ReplayAccepted"),
        },
      },
    },
    ...problemResponses(400, 401, 403, { 404: "No dead letter has this id (`not_found`).", 409: "Already replayed (`already_replayed`)." }),
  },
});


const StatusCountsSchema = z
  .object(Object.fromEntries(JOB_STATUSES.map((s) => [s, z.number().int()])) as Record<JobStatus, z.ZodNumber>)
  .openapi("JobStatusCounts", { description: "Jobs per status (every status present, zero when none)." });

const jobStatsRoute = createRoute({
  method: "get",
  path: "/jobs/stats",
  tags: ["Operator"],
  summary: "Job counts per status and type",
  security,
  responses: {
    200: {
      description: "Counts of jobs in the outbox table.",
      content: {
        "application/json": {
          schema: z
            .object({
              total: z.number().int(),
              byStatus: StatusCountsSchema,
              byType: z.array(z.object({ type: z.string(), total: z.number().int(), byStatus: StatusCountsSchema })),
            })
            .openapi("JobStats"),
        },
      },
    },
    ...problemResponses(401, 403),
  },
});


export function operatorRoutes(deps: Deps): OpenAPIHono<OperatorEnv> {
  const router = createRouter<OperatorEnv>();
  router.openAPIRegistry.registerComponent("securitySchemes", OPERATOR_SECURITY_SCHEME, operatorSecurityScheme);
  router.use("*", operatorAuth(deps.config));
  const ctx = (c: Context<OperatorEnv>) => operatorContext(c, deps.db);

  router.openapi(listDeadLettersRoute, async (c) => {
    const q = c.req.valid("query");
    const items = await listDeadLetters(ctx(c), {
      includeReplayed: q.includeReplayed === "true",
      ...(q.type ? { type: q.type } : {}),
      limit: q.limit ?? 100,
    });
    return c.json({ items }, 200);
  });

  router.openapi(replayRoute, async (c) => {
    const { id } = c.req.valid("param");
    const result = await replayDeadLetter(ctx(c), id);
    if (!result.ok) {
      if (result.code === "not_found") throw new ProblemError(404, "not_found", "No dead letter has this id.");
      throw new ProblemError(409, "already_replayed", "This dead letter was already replayed.");
    }
    c.get("log").info({ deadLetterId: id, jobId: result.jobId, operator: c.get("operator").sub }, "dead letter replayed");
    return c.json({ jobId: result.jobId }, 202);
  });

  router.openapi(jobStatsRoute, async (c) => c.json(await jobStats(ctx(c)), 200));

  return router;
}
