import { z } from "zod";
import { defineJob } from "../../jobs/registry.ts";

/**
 * Forgets what no longer signs anyone in: sign-in links a day after they expired, and
 * sessions a week after they expired or were revoked (kept a while for support questions).
 */
export const sweepWebSessionsJob = defineJob({
  type: "web_sessions.sweep",
  schema: z.object({}),
  maxAttempts: 3,
  backoff: { baseMs: 60_000, maxMs: 15 * 60_000 },
  async handler(_payload, ctx) {
    const now = Date.now();
    await ctx.deps.db.prisma.webLoginToken.deleteMany({ where: { expiresAt: { lt: new Date(now - 24 * 3600_000) } } });
    const weekAgo = new Date(now - 7 * 24 * 3600_000);
    await ctx.deps.db.prisma.webSession.deleteMany({ where: { OR: [{ expiresAt: { lt: weekAgo } }, { revokedAt: { lt: weekAgo } }] } });
  },
});
