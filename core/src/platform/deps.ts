import type { Config } from "./config.ts";
import type { Database } from "./db/connect.ts";
import type { Logger } from "./logger.ts";
import type { FileStorage } from "./storage/storage.ts";
import type { SecretBox } from "./secrets/secrets.ts";
import type { JobQueue } from "../jobs/queue.ts";
import type { Payments } from "../integrations/stripe/payments.ts";
import type { StripeConnect } from "../integrations/stripe/connect.ts";
import type { StripeTransfers } from "../integrations/stripe/transfers.ts";
import type { EmailSender } from "../integrations/email/email.ts";
import type { ShopifyIntegration } from "../integrations/shopify/shopify.ts";
import type { XeroAccounting } from "../integrations/xero/xero.ts";
import type { StripeBalance } from "../integrations/stripe/balance.ts";
import type { Alerts } from "../integrations/alerts/alerts.ts";

/**
 * Everything a use case, route or job handler may reach outside its own code. Built once
 * per process by `buildDeps` from configuration; tests build it with stand-ins.
 */
export interface Deps {
  config: Config;
  log: Logger;
  db: Database;
  jobs: JobQueue;
  storage: FileStorage;
  secrets: SecretBox;
  payments: Payments;
  /** Stripe Connect: the brands' connected accounts and the Connect webhook endpoint. */
  connect: StripeConnect;
  /** Transfers to brands' connected accounts and their reversals (payouts). */
  transfers: StripeTransfers;
  email: EmailSender;
  shopify: ShopifyIntegration;
  /** The platform's accounting (null when no Xero app is configured: nothing is booked). */
  xero: XeroAccounting | null;
  /** Stripe's balance transactions (reconciliation, the day's fees). */
  stripeBalance: StripeBalance;
  /** Operations alerts: logged, and sent to Slack / Sentry when configured. */
  alerts: Alerts;
  /** Key of the redemption-code lookup HMAC. */
  codeKey: Buffer;
}
