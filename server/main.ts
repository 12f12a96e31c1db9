/**
 * Process entry point (`npm run serve`; `npm start` runs it after starting the stand-ins).
 * `ROLE=all` (the default) runs every role in one process on the embedded defaults; `ROLE=api`
 * and `ROLE=worker` run one role each for production deployments (PostgreSQL, SQS, S3). The
 * api serves the embedded Shopify app (its Remix build) beside the core API.
 */
import { startRoles } from "@giftloop/core/roles";
import { mountShopifyApp } from "@giftloop/shopify-app/server/mount";

/** The running process's dependencies (for the sandbox launcher's demo data). */
export const { deps } = await startRoles({ shopifyApp: (d) => mountShopifyApp(d) });
