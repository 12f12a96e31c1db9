import { createHmac } from "node:crypto";
import { sign, verify } from "hono/jwt";
import type { Config } from "../platform/config.ts";
import { downloadSigningKey } from "../platform/storage/signed-url.ts";

/**
 * The recipient's short-lived token: proof that they typed (or followed) a valid code,
 * scoped to one unit. HS256 with a key derived from SIGNING_SECRET for this purpose only.
 */
export const RECIPIENT_TOKEN_TTL_SECONDS = 30 * 60;

function key(config: Pick<Config, "SIGNING_SECRET" | "DATA_DIR" | "NODE_ENV">): string {
  return createHmac("sha256", downloadSigningKey(config)).update("giftloop:recipient-token:v1").digest("base64");
}

export async function mintRecipientToken(config: Pick<Config, "SIGNING_SECRET" | "DATA_DIR" | "NODE_ENV">, unitId: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return sign({ sub: unitId, aud: "recipient", iat: now, exp: now + RECIPIENT_TOKEN_TTL_SECONDS }, key(config), "HS256");
}

/** The unit id, or undefined for a missing, forged, expired or foreign token. */
export async function verifyRecipientToken(
  config: Pick<Config, "SIGNING_SECRET" | "DATA_DIR" | "NODE_ENV">,
  token: string,
): Promise<string | undefined> {
  try {
    const claims = await verify(token, key(config), "HS256");
    return claims.aud === "recipient" && typeof claims.sub === "string" ? claims.sub : undefined;
  } catch {
    return undefined;
  }
}
