import type { Database } from "../platform/db/connect.ts";
import type { Logger } from "../platform/logger.ts";
import type { UseCaseContext } from "../platform/use-case.ts";

/**
 * What every recipient-side use case takes first: the gift (fulfillment unit) as tenant, as
 * the recipient token verified at the edge names it (redeem.routes.ts). Use cases take the
 * unit only from `ctx.tenant.unitId`.
 *
 * `db` is the process's handle as it is: the recipient's statements reach their gift by its
 * id and read what its view shows of the order, brand and offer, and the batched reads and
 * writes (gift-view.ts, redeem.ts) gather concurrent requests per handle, so a handle made
 * per request would end the batching on the hottest routes.
 */
export type RecipientContext = UseCaseContext<{ kind: "recipient"; unitId: string }>;

export function recipientContext(input: { db: Database; unitId: string; log: Logger; requestId?: string | undefined }): RecipientContext {
  return { db: input.db, tenant: { kind: "recipient", unitId: input.unitId }, actor: `recipient:${input.unitId}`, log: input.log, requestId: input.requestId };
}
