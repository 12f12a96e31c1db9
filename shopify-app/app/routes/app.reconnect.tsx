import type { ActionFunctionArgs } from "@remix-run/node";
import { requireVendor } from "../context.server.ts";

/**
 * The connection banner's "Reconnect" (POST): exchanges the admin's session token for a
 * fresh Shopify access token when the connection is broken, and says how it went.
 */
export const action = async (args: ActionFunctionArgs) => {
  const { connection } = await requireVendor(args, { reconnect: true });
  return { reconnected: !connection.broken, reason: connection.reason };
};
