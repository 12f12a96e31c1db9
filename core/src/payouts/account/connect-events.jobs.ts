import { z } from "zod";
import { defineJob, PermanentJobError } from "../../jobs/registry.ts";
import type { Deps } from "../../platform/deps.ts";
import type { Logger } from "../../platform/logger.ts";
import { AccountUnreachable, accountFacts } from "../../integrations/stripe/connect.ts";
import { loadWebhook, markWebhookProcessed } from "../../webhooks/event-log.ts";
import { markAccountDeauthorized, saveAccountStatus, vendorIdForAccount } from "./payout-account.ts";
import { deriveAccountStatus } from "./status.ts";

/**
 * Processes one recorded event of the Connect endpoint (events of the brands' connected
 * accounts, each carrying `account`). Stripe delivers them at least once and in no particular
 * order, so a handler never trusts the event's copy of the account: an event older than the
 * last one applied changes nothing, and otherwise the account is read from Stripe as it is
 * now. A duplicate finds the status already there.
 */
interface ConnectEvent {
  id: string;
  type: string;
  account?: string;
  created: number;
}
type Handler = (deps: Deps, e: { vendorId: string; accountId: string; created: Date; type: string }, log: Logger) => Promise<void>;

const handlers: Record<string, Handler> = {
  "account.updated": syncFromStripe,
  "capability.updated": syncFromStripe,
  "account.application.deauthorized": deauthorized,
};

export const processConnectEvent = defineJob({
  type: "stripe.process_connect_event",
  schema: z.object({ eventId: z.uuid() }),
  maxAttempts: 10,
  async handler({ eventId }, ctx) {
    const stored = await loadWebhook(ctx.deps, eventId);
    if (!stored) throw new PermanentJobError(`webhook event ${eventId} is gone`);
    const event = stored.payload as ConnectEvent;
    const handler = handlers[stored.topic];
    if (!handler) {
      ctx.log.debug({ topic: stored.topic }, "connect event not handled");
    } else if (!event.account) {
      throw new PermanentJobError(`connect event ${stored.externalId} carries no account`);
    } else {
      const vendorId = await vendorIdForAccount(ctx.deps, event.account);
      if (vendorId) {
        await handler(ctx.deps, { vendorId, accountId: event.account, created: new Date(event.created * 1000), type: stored.topic }, ctx.log);
      } else {
        ctx.log.info({ account: event.account, topic: stored.topic }, "connect event for an account no brand has");
      }
    }
    await markWebhookProcessed(ctx.deps, eventId);
  },
});

async function syncFromStripe(deps: Deps, e: { vendorId: string; accountId: string; created: Date; type: string }, log: Logger): Promise<void> {
  const marked = (await deps.db.prisma.vendor.findUnique({ where: { id: e.vendorId }, select: { payoutAccountUpdatedAt: true } }))?.payoutAccountUpdatedAt;
  if (marked && marked > e.created) {
    log.info({ account: e.accountId, topic: e.type }, "connect event older than the account status: ignored");
    return;
  }
  let account;
  try {
    account = await deps.connect.retrieveAccount(e.accountId);
  } catch (err) {
    // Access revoked: account.application.deauthorized says so and disables payouts.
    if (err instanceof AccountUnreachable) return void log.warn({ account: e.accountId }, "connected account unreachable");
    throw err;
  }
  const changed = await saveAccountStatus(deps, e.vendorId, deriveAccountStatus(accountFacts(account)), { actor: "stripe", source: e.type, eventCreated: e.created });
  if (changed) log.info({ account: e.accountId, vendor: e.vendorId, topic: e.type }, "payout account status updated");
}

async function deauthorized(deps: Deps, e: { vendorId: string; accountId: string; created: Date }, log: Logger): Promise<void> {
  if (await markAccountDeauthorized(deps, e.vendorId, { actor: "stripe", eventCreated: e.created })) {
    log.warn({ account: e.accountId, vendor: e.vendorId }, "brand disconnected its Stripe account: payouts disabled");
  }
}
