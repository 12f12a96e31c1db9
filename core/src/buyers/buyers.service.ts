import type { Database } from "../platform/db/connect.ts";
import type { PlatformContext } from "../platform/use-case.ts";
import type { Tx } from "../jobs/queue.ts";
import { generateApiKey, hashApiKey, looksLikeApiKey } from "./api-keys.ts";
import type { BuyerContext, BuyerPrincipal } from "./buyer-context.ts";

export interface CreatedKey {
  id: string;
  name: string;
  prefix: string;
  /** Shown once; never stored. */
  key: string;
  createdAt: string;
}

/** Creates a buyer organisation and its first API key (an operator's action: the organisation is a new tenant). */
export async function createBuyerOrg(
  ctx: PlatformContext,
  input: { name: string; email: string; keyName?: string },
): Promise<{ id: string; name: string; email: string; apiKey: CreatedKey }> {
  return ctx.db.prisma.$transaction(async (tx) => {
    const org = await tx.buyerOrg.create({ data: { name: input.name, email: input.email } });
    const apiKey = await insertKey(tx, org.id, input.keyName ?? "Default");
    await tx.auditLog.create({
      data: { actor: ctx.actor, action: "buyer_org.created", entity: "buyer_org", entityId: org.id, requestId: ctx.requestId ?? null },
    });
    return { id: org.id, name: org.name, email: org.email, apiKey };
  });
}

export async function createApiKey(ctx: BuyerContext, name: string): Promise<CreatedKey> {
  return ctx.db.prisma.$transaction((tx) => insertKey(tx, ctx.tenant.buyerOrgId, name));
}

async function insertKey(tx: Tx, buyerOrgId: string, name: string): Promise<CreatedKey> {
  const k = generateApiKey();
  const row = await tx.buyerApiKey.create({ data: { buyerOrgId, name, prefix: k.prefix, keyHash: k.hash } });
  return { id: row.id, name: row.name, prefix: row.prefix, key: k.plaintext, createdAt: row.createdAt.toISOString() };
}

export async function listApiKeys(ctx: BuyerContext) {
  const rows = await ctx.db.prisma.buyerApiKey.findMany({ orderBy: { createdAt: "asc" } });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    createdAt: r.createdAt.toISOString(),
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
  }));
}

/** Revokes one of the buyer's own keys; false when it has no such key. */
export async function revokeApiKey(ctx: BuyerContext, keyId: string): Promise<boolean> {
  const r = await ctx.db.prisma.buyerApiKey.updateMany({
    where: { id: keyId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  return r.count === 1;
}

/** The organisation's own profile. */
export async function buyerProfile(ctx: BuyerContext) {
  const org = await ctx.db.prisma.buyerOrg.findUniqueOrThrow({ where: { id: ctx.tenant.buyerOrgId } });
  return { id: org.id, name: org.name, email: org.email, digestOptIn: org.digestOptIn };
}

/** Turns the daily redemption digest to the organisation's owners and admins on or off. */
export async function setDigestOptIn(ctx: BuyerContext, digestOptIn: boolean): Promise<{ digestOptIn: boolean }> {
  const org = await ctx.db.prisma.buyerOrg.update({ where: { id: ctx.tenant.buyerOrgId }, data: { digestOptIn } });
  return { digestOptIn: org.digestOptIn };
}

const LAST_USED_RESOLUTION_MS = 60_000;

/** The buyer a key belongs to, or undefined for unknown, malformed or revoked keys. */
export async function authenticateApiKey(db: Database, plaintext: string): Promise<BuyerPrincipal | undefined> {
  if (!looksLikeApiKey(plaintext)) return undefined;
  const row = await db.prisma.buyerApiKey.findUnique({ where: { keyHash: hashApiKey(plaintext) } });
  if (!row || row.revokedAt) return undefined;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    // Coarse on purpose: one write a minute per key, not one per request.
    await db.prisma.buyerApiKey.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  }
  return { buyerOrgId: row.buyerOrgId, apiKeyId: row.id, role: "api_key" };
}
