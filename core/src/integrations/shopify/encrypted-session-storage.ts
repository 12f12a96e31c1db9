import { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import type { PrismaClient } from "@prisma/client";
import type { Deps } from "../../platform/deps.ts";
import type { SecretBox } from "../../platform/secrets/secrets.ts";

/**
 * Shopify session storage whose database rows hold no plaintext token.
 *
 * It wraps Shopify's own `PrismaSessionStorage` (the `Session` model in
 * prisma/schema/shopify.prisma) and seals `accessToken` and `refreshToken` with the core's
 * envelope encryption before they reach it, opening them again on the way out. The
 * encryption context binds each sealed value to its session id and field, so a token copied
 * into another session's row (another shop) does not decrypt there.
 *
 * The Remix app hands an instance to `shopifyApp({ sessionStorage })`; workers read the
 * offline session through `loadOfflineSession`.
 */
export class EncryptedSessionStorage implements SessionStorage {
  private readonly inner: PrismaSessionStorage<PrismaClient>;

  constructor(
    prisma: PrismaClient,
    private readonly secrets: SecretBox,
    opts: { connectionRetries?: number; connectionRetryIntervalMs?: number } = {},
  ) {
    this.inner = new PrismaSessionStorage(prisma, { connectionRetries: 2, connectionRetryIntervalMs: 500, ...opts });
  }

  /** Whether the session table is reachable (the Shopify library polls for it at start). */
  isReady(): Promise<boolean> {
    return this.inner.isReady();
  }

  async storeSession(session: Session): Promise<boolean> {
    const params = session.toObject();
    const sealed = new Session({
      ...params,
      accessToken: params.accessToken ? await this.secrets.seal(params.accessToken, context(session.id, "accessToken")) : undefined,
      refreshToken: params.refreshToken ? await this.secrets.seal(params.refreshToken, context(session.id, "refreshToken")) : undefined,
    } as ConstructorParameters<typeof Session>[0]);
    return this.inner.storeSession(sealed);
  }

  async loadSession(id: string): Promise<Session | undefined> {
    const stored = await this.inner.loadSession(id);
    return stored ? this.open(stored) : undefined;
  }

  deleteSession(id: string): Promise<boolean> {
    return this.inner.deleteSession(id);
  }

  deleteSessions(ids: string[]): Promise<boolean> {
    return this.inner.deleteSessions(ids);
  }

  async findSessionsByShop(shop: string): Promise<Session[]> {
    const stored = await this.inner.findSessionsByShop(shop);
    return Promise.all(stored.map((s) => this.open(s)));
  }

  private async open(stored: Session): Promise<Session> {
    const params = stored.toObject();
    return new Session({
      ...params,
      accessToken: params.accessToken ? await this.secrets.open(params.accessToken, context(stored.id, "accessToken")) : undefined,
      refreshToken: params.refreshToken ? await this.secrets.open(params.refreshToken, context(stored.id, "refreshToken")) : undefined,
    } as ConstructorParameters<typeof Session>[0]);
  }
}

function context(sessionId: string, field: "accessToken" | "refreshToken"): Record<string, string> {
  return { purpose: "shopify-session", sessionId, field };
}

/** Shopify's id for a shop's offline session (what `shopify.session.getOfflineId` returns). */
export function offlineSessionId(shop: string): string {
  return `offline_${shop}`;
}

/**
 * The shop's offline session with its access token decrypted, for workers that call the
 * Admin API outside a request (catalog sync, order push); undefined when the app is not
 * installed (or was uninstalled) on that shop.
 */
export async function loadOfflineSession(deps: Pick<Deps, "db" | "secrets">, shop: string): Promise<Session | undefined> {
  const session = await sessionStorageFor(deps).loadSession(offlineSessionId(shop));
  return session?.accessToken ? session : undefined;
}

const storages = new WeakMap<object, WeakMap<object, EncryptedSessionStorage>>();

/** One storage per database and secret box (the Prisma storage polls for its table once, at construction). */
export function sessionStorageFor(deps: Pick<Deps, "db" | "secrets">): EncryptedSessionStorage {
  let bySecrets = storages.get(deps.db.prisma);
  if (!bySecrets) storages.set(deps.db.prisma, (bySecrets = new WeakMap()));
  let s = bySecrets.get(deps.secrets);
  if (!s) bySecrets.set(deps.secrets, (s = new EncryptedSessionStorage(deps.db.prisma, deps.secrets)));
  return s;
}
