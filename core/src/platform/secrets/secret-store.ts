import type { Prisma } from "@prisma/client";
import type { Envelope, SecretBox } from "./secrets.ts";
import { SecretDecryptError, type SecretContext } from "./key-provider.ts";

/**
 * Named secrets in the `secret` table (Shopify offline tokens, Xero tokens, SMTP
 * passwords), one per (vendor, name); `vendorId: null` is a platform-wide secret.
 *
 * The row's identity is the encryption context, so ciphertext copied into another row
 * (another vendor or name) does not decrypt there. Accepts a Database or `{ prisma: tx }`
 * inside a transaction.
 */
export interface SecretDb {
  prisma: Pick<Prisma.TransactionClient, "secret">;
}

export interface SecretRef {
  vendorId: string | null;
  name: string;
}

// Vendor ids are UUIDs, so "platform" cannot collide with a vendor's context.
function contextFor(ref: SecretRef): SecretContext {
  return { vendorId: ref.vendorId ?? "platform", name: ref.name };
}

export async function putSecret(db: SecretDb, box: SecretBox, input: SecretRef & { value: string }): Promise<void> {
  const e = await box.encrypt(input.value, contextFor(input));
  const data = {
    ciphertext: bytes(e.ciphertext),
    iv: bytes(e.iv),
    authTag: bytes(e.authTag),
    wrappedKey: bytes(e.wrappedKey),
    provider: e.provider,
    keyId: e.keyId,
  };
  if (input.vendorId !== null) {
    await db.prisma.secret.upsert({
      where: { vendorId_name: { vendorId: input.vendorId, name: input.name } },
      create: { vendorId: input.vendorId, name: input.name, ...data },
      update: data,
    });
    return;
  }
  // PostgreSQL's unique index treats NULL vendor ids as distinct, so there is no conflict
  // target for an upsert: find, then update or create. Two concurrent first writes of the
  // same platform secret could both create; see the note in the report / schema.
  const existing = await db.prisma.secret.findFirst({ where: { vendorId: null, name: input.name }, select: { id: true } });
  if (existing) await db.prisma.secret.update({ where: { id: existing.id }, data });
  else await db.prisma.secret.create({ data: { vendorId: null, name: input.name, ...data } });
}

/** The decrypted value, or undefined when no such secret is stored. */
export async function getSecret(db: SecretDb, box: SecretBox, ref: SecretRef): Promise<string | undefined> {
  const row = await db.prisma.secret.findFirst({ where: { vendorId: ref.vendorId, name: ref.name } });
  if (!row) return undefined;
  if (row.provider !== "local" && row.provider !== "kms") throw new SecretDecryptError(`unknown secret provider ${JSON.stringify(row.provider)}`);
  const envelope: Envelope = {
    ciphertext: Buffer.from(row.ciphertext),
    iv: Buffer.from(row.iv),
    authTag: Buffer.from(row.authTag),
    wrappedKey: Buffer.from(row.wrappedKey),
    provider: row.provider,
    keyId: row.keyId,
  };
  return box.decrypt(envelope, contextFor(ref));
}

/** True when a secret was deleted. */
export async function deleteSecret(db: SecretDb, ref: SecretRef): Promise<boolean> {
  const { count } = await db.prisma.secret.deleteMany({ where: { vendorId: ref.vendorId, name: ref.name } });
  return count > 0;
}

// Prisma's Bytes type is a Uint8Array over a plain ArrayBuffer; a Buffer may sit on a shared pool.
function bytes(b: Buffer): Uint8Array<ArrayBuffer> {
  return new Uint8Array(b);
}
