import type { Config } from "./config.ts";
import type { Database } from "./db/connect.ts";
import type { Logger } from "./logger.ts";
import type { FileStorage } from "./storage/storage.ts";
import type { SecretBox } from "./secrets/secrets.ts";
import type { JobQueue } from "../jobs/queue.ts";
import type { Payments } from "../integrations/stripe/payments.ts";
import type { EmailSender } from "../integrations/email/email.ts";
import type { ShopifyIntegration } from "../integrations/shopify/shopify.ts";

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
  email: EmailSender;
  shopify: ShopifyIntegration;
  /** Key of the redemption-code lookup HMAC. */
  codeKey: Buffer;
}
