import { ensureAppBuild } from "@giftloop/shopify-app/server/build";
import { ensureStorefrontBuild } from "@giftloop/storefront/build";

/**
 * The builds `npm start` serves (the embedded app, the recipient storefront), made current
 * before a test starts one as a child process. `npm start` would otherwise build them itself,
 * inside the test's wait for it to answer, and each test starting one would pay for it;
 * here every test that needs them (these, the browser tests, the embedded app's harness)
 * shares one build through the builds' locks, and a current build costs a directory scan.
 */
export async function ensureSandboxBuilds(): Promise<void> {
  await ensureStorefrontBuild();
  await ensureAppBuild();
}

/** The ceiling for building both on a busy 2-core machine: a `beforeAll` timeout. */
export const BUILD_CEILING_MS = 600_000;
