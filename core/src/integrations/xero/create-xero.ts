import { readFileSync } from "node:fs";
import type { Config } from "../../platform/config.ts";
import { installXeroSandboxRouting } from "./sandbox-routing.ts";
import { createXeroAccounting, type XeroAccounting } from "./xero.ts";

/**
 * The Xero integration from configuration: null without a Xero app (nothing is booked).
 * With XERO_SANDBOX_URL (sandbox mode, refused in production by the config) xero-node's
 * requests to Xero's host names are routed to the local stand-in first.
 */
export function createXeroIntegration(
  config: Pick<Config, "XERO_CLIENT_ID" | "XERO_CLIENT_SECRET" | "XERO_SANDBOX_URL" | "XERO_SANDBOX_CA_FILE" | "NODE_ENV" | "xeroRedirectUri">,
): XeroAccounting | null {
  if (!config.XERO_CLIENT_ID || !config.XERO_CLIENT_SECRET) return null;
  if (config.XERO_SANDBOX_URL && config.XERO_SANDBOX_CA_FILE) {
    installXeroSandboxRouting({ url: config.XERO_SANDBOX_URL, ca: readFileSync(config.XERO_SANDBOX_CA_FILE, "utf8") }, { NODE_ENV: config.NODE_ENV });
  }
  return createXeroAccounting({ clientId: config.XERO_CLIENT_ID, clientSecret: config.XERO_CLIENT_SECRET, redirectUri: config.xeroRedirectUri });
}
