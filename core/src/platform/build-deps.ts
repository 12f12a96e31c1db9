import type { Config } from "./config.ts";
import { connectDatabase, type Database } from "./db/connect.ts";
import type { Deps } from "./deps.ts";
import { createLogger, type Logger } from "./logger.ts";
import { createStorage } from "./storage/create-storage.ts";
import { createSecretBox } from "./secrets/secret-box.ts";
import { createJobQueue } from "../jobs/create-queue.ts";
import type { JobRegistry } from "../jobs/registry.ts";
import { jobRegistry } from "../jobs/jobs.registry.ts";
import { createStripePayments } from "../integrations/stripe/payments.ts";
import { createStripeConnect } from "../integrations/stripe/connect.ts";
import { createStripeTransfers } from "../integrations/stripe/transfers.ts";
import { createMemorySender } from "../integrations/email/email.ts";
import { createSmtpSender } from "../integrations/email/smtp-sender.ts";
import { localKey } from "./local-keys.ts";
import { createShopifyIntegration } from "../integrations/shopify/shopify.ts";
import { createXeroIntegration } from "../integrations/xero/create-xero.ts";
import { createStripeBalance } from "../integrations/stripe/balance.ts";
import { createAlerts } from "../integrations/alerts/alerts.ts";

/** The one wiring module: picks every integration from configuration. */
export async function buildDeps(
  config: Config,
  opts: { db?: Database; log?: Logger; registry?: JobRegistry } = {},
): Promise<Deps> {
  const log = opts.log ?? createLogger(config.LOG_LEVEL);
  const db =
    opts.db ??
    (await connectDatabase(
      config.DATABASE_URL
        ? { url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE, ownerUrl: config.DATABASE_OWNER_URL }
        : { dataDir: `${config.DATA_DIR}/pglite` },
    ));
  const registry = opts.registry ?? jobRegistry();
  const secrets = createSecretBox(config);
  return {
    config,
    log,
    db,
    jobs: createJobQueue(config, db, registry),
    storage: createStorage(config),
    secrets,
    payments: createStripePayments(config),
    connect: createStripeConnect(config),
    transfers: createStripeTransfers(config),
    // Without SMTP (development, tests) mail is kept in memory and logged, never lost silently.
    email: config.SMTP_URL ? createSmtpSender({ url: config.SMTP_URL, from: config.EMAIL_FROM }) : loggingMemorySender(log, config.EMAIL_FROM),
    shopify: createShopifyIntegration(config, { db, secrets, log }),
    xero: createXeroIntegration(config),
    stripeBalance: createStripeBalance(config),
    alerts: createAlerts(config, log),
    codeKey: config.CODE_HMAC_KEY ? Buffer.from(config.CODE_HMAC_KEY, "base64") : localKey(config, "code-hmac"),
  };
}

function loggingMemorySender(log: Logger, from: string) {
  const sender = createMemorySender({ from });
  return {
    sent: sender.sent,
    async send(msg: Parameters<typeof sender.send>[0]) {
      const r = await sender.send(msg);
      log.info({ messageId: r.messageId }, "email kept in memory (SMTP_URL is not set)");
      return r;
    },
  };
}
