import { XeroClient } from "xero-node";
import type { XeroCaller } from "./call.ts";
import type { XeroModel } from "./mapping.ts";
import { XERO_SCOPES, type XeroAppConfig, type XeroConnection, type XeroTokenSet } from "./types.ts";
import type { XeroAccounting } from "./xero.ts";

export type XeroOAuth = Pick<XeroAccounting, "consentUrl" | "exchangeCode" | "refresh" | "revoke" | "connections" | "disconnect">;

/**
 * Sign-in and the app's connections to organisations. Token refresh only exchanges the
 * token: single-flight under a lock and storing the rotated refresh token before use are
 * the caller's job.
 */
export function xeroOAuth(config: XeroAppConfig, xero: XeroCaller): XeroOAuth {
  const scopes = config.scopes ?? [...XERO_SCOPES];
  const client = (state?: string) =>
    new XeroClient({ clientId: config.clientId, clientSecret: config.clientSecret, redirectUris: [config.redirectUri], scopes, ...(state ? { state } : {}) });

  return {
    async consentUrl(state) {
      return xero.guarded(() => client(state).buildConsentUrl());
    },
    async exchangeCode(callbackUrl, expectedState) {
      const xc = client(expectedState);
      const t = await xero.guarded(() => xc.apiCallback(callbackUrl));
      return tokenSetFrom(t as unknown as XeroModel);
    },
    async refresh(refreshToken) {
      const t = await xero.guarded(() => new XeroClient().refreshWithRefreshToken(config.clientId, config.clientSecret, refreshToken));
      return tokenSetFrom(t as unknown as XeroModel);
    },
    async revoke(refreshToken) {
      const xc = client();
      await xero.guarded(async () => {
        await xc.initialize();
        xc.setTokenSet({ access_token: "revoking", refresh_token: refreshToken });
        await xc.revokeToken();
      });
    },
    async connections(accessToken) {
      const xc = client();
      xc.setTokenSet({ access_token: accessToken });
      const rows = (await xero.guarded(() => xc.updateTenants(false))) as XeroModel[];
      return rows.map(connectionFrom);
    },
    async disconnect(accessToken, connectionId) {
      const xc = client();
      xc.setTokenSet({ access_token: accessToken });
      await xero.guarded(() => xc.disconnect(connectionId));
    },
  };
}

function tokenSetFrom(t: XeroModel): XeroTokenSet {
  const expiresAt = typeof t.expires_at === "number" ? new Date(t.expires_at * 1000) : new Date(Date.now() + Number(t.expires_in ?? 1800) * 1000);
  return {
    accessToken: String(t.access_token ?? ""),
    refreshToken: String(t.refresh_token ?? ""),
    ...(typeof t.id_token === "string" ? { idToken: t.id_token } : {}),
    expiresAt,
    scopes: String(t.scope ?? "").split(/\s+/).filter(Boolean),
  };
}

function connectionFrom(c: XeroModel): XeroConnection {
  return {
    id: String(c.id),
    tenantId: String(c.tenantId),
    tenantName: String(c.tenantName ?? ""),
    tenantType: String(c.tenantType ?? ""),
    ...(c.authEventId ? { authEventId: String(c.authEventId) } : {}),
    createdAt: String(c.createdDateUtc ?? ""),
    updatedAt: String(c.updatedDateUtc ?? ""),
  };
}
