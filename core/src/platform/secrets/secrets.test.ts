import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { inspect } from "node:util";
import { CreateKeyCommand } from "@aws-sdk/client-kms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../config.ts";
import { stack, testDatabase, type TestDatabase } from "../../testing/db.ts";
import { canonicalContext, SecretDecryptError, type KeyProvider } from "./key-provider.ts";
import { kmsClientFromConfig, KmsKeyProvider } from "./kms-provider.ts";
import { LocalKeyProvider, localMasterKey } from "./local-provider.ts";
import { createSecretBox, EnvelopeSecretBox, parseSealed } from "./secret-box.ts";
import { deleteSecret, getSecret, putSecret } from "./secret-store.ts";
import type { Envelope, SecretBox } from "./secrets.ts";

// The SDK's default credential chain reads these; moto accepts any. Only set when absent,
// so a developer's real environment is never overridden.
if (stack.awsEndpoint) {
  process.env.AWS_ACCESS_KEY_ID ??= "test";
  process.env.AWS_SECRET_ACCESS_KEY ??= "test";
}

interface Provider {
  name: "local" | "kms";
  /** The box as configuration builds it, plus its key provider on its own. */
  setup(): Promise<{ box: SecretBox; keys: KeyProvider; keyId: RegExp }>;
}

const localProvider: Provider = {
  name: "local",
  async setup() {
    const config = parseConfig({ NODE_ENV: "test", SECRETS_LOCAL_KEY: randomBytes(32).toString("base64") });
    const keys = new LocalKeyProvider(localMasterKey(config));
    return { box: createSecretBox(config), keys, keyId: /^local:[0-9a-f]{8}$/ };
  },
};

function kmsProvider(endpoint: string): Provider {
  return {
    name: "kms",
    async setup() {
      const base = { NODE_ENV: "test", AWS_ENDPOINT_URL: endpoint };
      const created = await kmsClientFromConfig(parseConfig(base)).send(
        new CreateKeyCommand({ KeySpec: "SYMMETRIC_DEFAULT", KeyUsage: "ENCRYPT_DECRYPT", Description: "giftloop test" }),
      );
      const keyId = created.KeyMetadata!.KeyId!;
      const config = parseConfig({ ...base, SECRETS_PROVIDER: "kms", KMS_KEY_ID: keyId });
      const keys = new KmsKeyProvider(kmsClientFromConfig(config), keyId);
      return { box: createSecretBox(config), keys, keyId: new RegExp(`^arn:aws:kms:[a-z0-9-]+:\\d+:key/${keyId}$`) };
    },
  };
}

const providers: Provider[] = [localProvider];
if (stack.awsEndpoint) providers.push(kmsProvider(stack.awsEndpoint));

/** A distinctive value that cannot appear in the database by accident. */
const PLAINTEXT = `shpat_PLAINTEXT-CANARY-${randomBytes(8).toString("hex")}-ünï`;

function flip(b: Buffer, at = 0): Buffer {
  const c = Buffer.from(b);
  c[at] = c[at]! ^ 0x01;
  return c;
}

describe.each(providers)("SecretBox ($name provider)", (provider) => {
  let box: SecretBox;
  let keys: KeyProvider;
  let keyIdPattern: RegExp;
  const ctx = { vendorId: "3f1c9c8e-0000-4000-8000-000000000001", name: "shopify.offline_token" };

  beforeAll(async () => {
    ({ box, keys, keyId: keyIdPattern } = await provider.setup());
  });

  it("reports its provider", () => {
    expect(box.provider).toBe(provider.name);
  });

  it.each(["", "short", PLAINTEXT, "x".repeat(100_000), "emoji 🎁 and NUL \u0000 inside"])(
    "round-trips %#",
    async (value) => {
      const envelope = await box.encrypt(value, ctx);
      expect(await box.decrypt(envelope, ctx)).toBe(value);
    },
  );

  it("produces a well-formed envelope without the plaintext in it", async () => {
    const e = await box.encrypt(PLAINTEXT, ctx);
    expect(e.provider).toBe(provider.name);
    expect(e.keyId).toMatch(keyIdPattern);
    expect(e.iv).toHaveLength(12);
    expect(e.authTag).toHaveLength(16);
    expect(e.ciphertext).toHaveLength(Buffer.byteLength(PLAINTEXT));
    const all = Buffer.concat([e.ciphertext, e.iv, e.authTag, e.wrappedKey]);
    expect(all.includes(Buffer.from(PLAINTEXT))).toBe(false);
  });

  it("uses a fresh data key and iv for every value", async () => {
    const a = await box.encrypt(PLAINTEXT, ctx);
    const b = await box.encrypt(PLAINTEXT, ctx);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.wrappedKey.equals(b.wrappedKey)).toBe(false);
    expect(a.iv.equals(b.iv)).toBe(false);
  });

  it("does not care about the order of context keys", async () => {
    const e = await box.encrypt("order", { a: "1", b: "2", "10": "x", "9": "y" });
    expect(await box.decrypt(e, { "9": "y", b: "2", "10": "x", a: "1" })).toBe("order");
  });

  it("fails with any other context", async () => {
    const e = await box.encrypt(PLAINTEXT, ctx);
    const others: Record<string, string>[] = [
      { ...ctx, name: "xero.refresh_token" },
      { ...ctx, vendorId: "3f1c9c8e-0000-4000-8000-000000000002" },
      { name: ctx.name },
      { ...ctx, extra: "x" },
      {},
    ];
    for (const other of others) {
      await expect(box.decrypt(e, other)).rejects.toThrow(SecretDecryptError);
    }
  });

  it("fails when any part of the envelope is altered", async () => {
    const e = await box.encrypt(PLAINTEXT, ctx);
    const tampered: Envelope[] = [
      { ...e, ciphertext: flip(e.ciphertext) },
      { ...e, ciphertext: flip(e.ciphertext, e.ciphertext.length - 1) },
      { ...e, ciphertext: e.ciphertext.subarray(1) },
      { ...e, iv: flip(e.iv) },
      { ...e, authTag: flip(e.authTag, 15) },
      { ...e, wrappedKey: flip(e.wrappedKey, e.wrappedKey.length - 1) },
    ];
    for (const t of tampered) await expect(box.decrypt(t, ctx)).rejects.toThrow(SecretDecryptError);
    // Another value's data key does not open this value.
    const other = await box.encrypt(PLAINTEXT, ctx);
    await expect(box.decrypt({ ...e, wrappedKey: other.wrappedKey }, ctx)).rejects.toThrow(SecretDecryptError);
  });

  it("the key provider itself unwraps a data key only with its own context", async () => {
    const dk = await keys.generateDataKey(ctx);
    expect(dk.plaintext).toHaveLength(32);
    expect(dk.wrapped.includes(dk.plaintext)).toBe(false);
    expect((await keys.unwrapDataKey(dk.wrapped, dk.keyId, ctx)).equals(dk.plaintext)).toBe(true);
    await expect(keys.unwrapDataKey(dk.wrapped, dk.keyId, { ...ctx, name: "other" })).rejects.toThrow(SecretDecryptError);
    await expect(keys.unwrapDataKey(flip(dk.wrapped, dk.wrapped.length - 1), dk.keyId, ctx)).rejects.toThrow(SecretDecryptError);
  });

  it("refuses a context value that is not a string", async () => {
    await expect(box.encrypt("x", { vendorId: undefined as unknown as string })).rejects.toThrow(TypeError);
  });

  it("seals to a compact versioned string and opens it", async () => {
    const sealed = await box.seal(PLAINTEXT, ctx);
    expect(sealed).toMatch(new RegExp(`^v1\\.${provider.name}\\..+(\\.[A-Za-z0-9_-]+){3}\\.[A-Za-z0-9_-]*$`));
    expect(sealed).not.toContain(PLAINTEXT);
    expect(parseSealed(sealed).keyId).toMatch(keyIdPattern);
    expect(await box.open(sealed, ctx)).toBe(PLAINTEXT);
    expect(await box.open(await box.seal("", ctx), ctx)).toBe("");
  });

  it("refuses to open a sealed string with another context, altered, or malformed", async () => {
    const sealed = await box.seal(PLAINTEXT, ctx);
    await expect(box.open(sealed, { ...ctx, name: "other" })).rejects.toThrow(SecretDecryptError);
    const parts = sealed.split(".");
    const last = parts.at(-1)!;
    const altered = [...parts.slice(0, -1), (last[0] === "A" ? "B" : "A") + last.slice(1)].join(".");
    await expect(box.open(altered, ctx)).rejects.toThrow(SecretDecryptError);
    for (const bad of ["", "plaintext", "v2.local.k.a.b.c.d", "v1.aws.k.a.b.c.d", "v1.local.k.a.b.c", "v1.local.k.!!.b.c.d"]) {
      await expect(box.open(bad, ctx)).rejects.toThrow(SecretDecryptError);
    }
  });

  it("seals a batch under one data key (one provider call); each value opens only with its own context", async () => {
    const { EnvelopeSecretBox } = await import("./secret-box.ts");
    let generated = 0;
    let unwrapped = 0;
    const counting: KeyProvider = {
      name: keys.name,
      generateDataKey: (c) => (generated++, keys.generateDataKey(c)),
      unwrapDataKey: (w, id, c) => (unwrapped++, keys.unwrapDataKey(w, id, c)),
    };
    const batchBox = new EnvelopeSecretBox(counting);
    const items = Array.from({ length: 50 }, (_, i) => ({ plaintext: `code-${i}`, context: { purpose: "redemption-code", unit: `u${i}` } }));
    const sealed = await batchBox.sealMany(items, { purpose: "redemption-code-batch", order: "o1" });
    expect(generated).toBe(1);
    expect(new Set(sealed).size).toBe(50);
    expect(sealed.every((v, i) => v.startsWith(`v2.${provider.name}.`) && !v.includes(`code-${i}`))).toBe(true);
    expect(await Promise.all(sealed.map((v, i) => batchBox.open(v, items[i]!.context)))).toEqual(items.map((i) => i.plaintext));
    expect(unwrapped).toBe(1); // the batch key is unwrapped once for all 50
    // Another value's context, an altered batch context, altered ciphertext: refused.
    await expect(batchBox.open(sealed[0]!, items[1]!.context)).rejects.toThrow(SecretDecryptError);
    const parts = sealed[0]!.split(".");
    const forgedCtx = Buffer.from(JSON.stringify({ order: "o2", purpose: "redemption-code-batch" })).toString("base64url");
    const forged = [...parts.slice(0, -5), forgedCtx, ...parts.slice(-4)].join(".");
    await expect(new EnvelopeSecretBox(keys).open(forged, items[0]!.context)).rejects.toThrow(SecretDecryptError);
    const last = parts.at(-1)!;
    const altered = [...parts.slice(0, -1), (last[0] === "A" ? "B" : "A") + last.slice(1)].join(".");
    await expect(batchBox.open(altered, items[0]!.context)).rejects.toThrow(SecretDecryptError);
    // The usual box (without the counting provider) opens them too.
    expect(await box.open(sealed[7]!, items[7]!.context)).toBe("code-7");
  });

  describe("stored with putSecret", () => {
    let db: TestDatabase;
    let vendorId: string;
    let otherVendorId: string;

    beforeAll(async () => {
      db = await testDatabase();
      const suffix = randomBytes(4).toString("hex");
      vendorId = (await db.prisma.vendor.create({ data: { shopDomain: `a-${suffix}.myshopify.com`, name: "A" } })).id;
      otherVendorId = (await db.prisma.vendor.create({ data: { shopDomain: `b-${suffix}.myshopify.com`, name: "B" } })).id;
    });
    afterAll(async () => {
      await db?.close();
    });

    it("keeps no plaintext anywhere in the secret table, and getSecret returns it", async () => {
      await putSecret(db, box, { vendorId, name: "shopify.offline_token", value: PLAINTEXT });

      const rows = await db.sql.query<{ row: string; ciphertext: string; iv: string; auth_tag: string; wrapped_key: string }>(
        `SELECT row_to_json(s)::text AS row,
                encode(ciphertext, 'escape') AS ciphertext, encode(iv, 'escape') AS iv,
                encode(auth_tag, 'escape') AS auth_tag, encode(wrapped_key, 'escape') AS wrapped_key
           FROM secret s`,
      );
      expect(rows).toHaveLength(1);
      const dump = rows.map((r) => Object.values(r).join("\n")).join("\n");
      expect(dump).toContain(vendorId); // the dump really is the row
      const bytes = Buffer.from(PLAINTEXT);
      for (const form of [PLAINTEXT, "PLAINTEXT-CANARY", bytes.toString("hex"), bytes.toString("base64")]) {
        expect(dump.toLowerCase()).not.toContain(form.toLowerCase());
      }

      expect(await getSecret(db, box, { vendorId, name: "shopify.offline_token" })).toBe(PLAINTEXT);
    });

    it("records provider and key id with the row", async () => {
      const row = await db.prisma.secret.findFirstOrThrow({ where: { vendorId, name: "shopify.offline_token" } });
      expect(row.provider).toBe(provider.name);
      expect(row.keyId).toMatch(keyIdPattern);
    });

    it("overwrites in place (one row per vendor and name)", async () => {
      await putSecret(db, box, { vendorId, name: "xero.refresh_token", value: "first" });
      await putSecret(db, box, { vendorId, name: "xero.refresh_token", value: "second" });
      expect(await getSecret(db, box, { vendorId, name: "xero.refresh_token" })).toBe("second");
      expect(await db.prisma.secret.count({ where: { vendorId, name: "xero.refresh_token" } })).toBe(1);
    });

    it("returns undefined for a secret that is not stored", async () => {
      expect(await getSecret(db, box, { vendorId, name: "nope" })).toBeUndefined();
      expect(await getSecret(db, box, { vendorId: otherVendorId, name: "shopify.offline_token" })).toBeUndefined();
    });

    it("refuses ciphertext copied into another row", async () => {
      const source = await db.prisma.secret.findFirstOrThrow({ where: { vendorId, name: "shopify.offline_token" } });
      const copy = {
        ciphertext: source.ciphertext,
        iv: source.iv,
        authTag: source.authTag,
        wrappedKey: source.wrappedKey,
        provider: source.provider,
        keyId: source.keyId,
      };
      // Same vendor, another name.
      await db.prisma.secret.create({ data: { vendorId, name: "smtp.password", ...copy } });
      await expect(getSecret(db, box, { vendorId, name: "smtp.password" })).rejects.toThrow(SecretDecryptError);
      // Another vendor, same name.
      await db.prisma.secret.create({ data: { vendorId: otherVendorId, name: "shopify.offline_token", ...copy } });
      await expect(getSecret(db, box, { vendorId: otherVendorId, name: "shopify.offline_token" })).rejects.toThrow(
        SecretDecryptError,
      );
      // The original still opens.
      expect(await getSecret(db, box, { vendorId, name: "shopify.offline_token" })).toBe(PLAINTEXT);
    });

    it("deletes", async () => {
      await putSecret(db, box, { vendorId, name: "temp", value: "bye" });
      expect(await deleteSecret(db, { vendorId, name: "temp" })).toBe(true);
      expect(await getSecret(db, box, { vendorId, name: "temp" })).toBeUndefined();
      expect(await deleteSecret(db, { vendorId, name: "temp" })).toBe(false);
    });

    it("stores platform-wide secrets (no vendor) apart from vendors' secrets", async () => {
      await putSecret(db, box, { vendorId: null, name: "smtp.password", value: "platform-1" });
      await putSecret(db, box, { vendorId: null, name: "smtp.password", value: "platform-2" });
      expect(await getSecret(db, box, { vendorId: null, name: "smtp.password" })).toBe("platform-2");
      expect(await db.prisma.secret.count({ where: { vendorId: null, name: "smtp.password" } })).toBe(1);
      expect(await deleteSecret(db, { vendorId: null, name: "smtp.password" })).toBe(true);
    });

    it("works inside a transaction", async () => {
      await db.prisma.$transaction(async (tx) => {
        await putSecret({ prisma: tx }, box, { vendorId, name: "in.tx", value: "tx-value" });
      });
      expect(await getSecret(db, box, { vendorId, name: "in.tx" })).toBe("tx-value");
    });
  });
});

describe("local key provider", () => {
  const master = randomBytes(32);

  it("names its key by a fingerprint of the master key", () => {
    const expected = `local:${createHash("sha256").update(master).digest("hex").slice(0, 8)}`;
    expect(new LocalKeyProvider(master).keyId).toBe(expected);
  });

  it("refuses a master key that is not 32 bytes", () => {
    expect(() => new LocalKeyProvider(randomBytes(16))).toThrow(/32 bytes/);
  });

  it("says which master key a value needs, without revealing either key", async () => {
    const a = new EnvelopeSecretBox(new LocalKeyProvider(master));
    const otherMaster = randomBytes(32);
    const b = new EnvelopeSecretBox(new LocalKeyProvider(otherMaster));
    const e = await a.encrypt("x", {});
    const err = (await b.decrypt(e, {}).then(
      () => undefined,
      (x: unknown) => x,
    )) as Error;
    expect(err).toBeInstanceOf(SecretDecryptError);
    expect(err.message).toContain(e.keyId);
    for (const key of [master, otherMaster]) {
      for (const form of [key.toString("base64"), key.toString("hex")]) expect(err.message).not.toContain(form);
    }
  });

  it("refuses a value sealed by another provider", async () => {
    const box = new EnvelopeSecretBox(new LocalKeyProvider(master));
    const e = await box.encrypt("x", {});
    await expect(box.decrypt({ ...e, provider: "kms" }, {})).rejects.toThrow(/kms provider/);
  });

  it("keeps the master key out of inspect / console.log", () => {
    const box = new EnvelopeSecretBox(new LocalKeyProvider(master));
    const shown = inspect(box, { depth: 10, showHidden: true });
    expect(shown).not.toContain(master.toString("hex").slice(0, 16));
    expect(shown).not.toContain(master.toString("base64").slice(0, 16));
  });

  it("generates and reuses a development master key in DATA_DIR/keys", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "gl-secrets-"));
    try {
      const config = parseConfig({ NODE_ENV: "development", DATA_DIR: dataDir });
      const sealed = await createSecretBox(config).seal("dev value", { k: "v" });
      // A second box from the same config ("after a restart") opens it.
      expect(await createSecretBox(config).open(sealed, { k: "v" })).toBe("dev value");
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("refuses to generate a master key in production", () => {
    const config = parseConfig({ NODE_ENV: "test" });
    expect(() => createSecretBox({ ...config, NODE_ENV: "production" })).toThrow(/refusing to generate/);
  });
});

describe("sealed strings and contexts", () => {
  it("parse a key id that contains dots", () => {
    const e = parseSealed("v1.kms.alias/my.key.v2.AAAA.BBBB.CCCC.");
    expect(e).toMatchObject({ provider: "kms", keyId: "alias/my.key.v2" });
    expect(e.ciphertext).toHaveLength(0);
  });

  it("canonical context: sorted keys, integer-like keys too, strings only", () => {
    expect(canonicalContext({ b: "2", a: "1" })).toBe('{"a":"1","b":"2"}');
    expect(canonicalContext({ "9": "x", "10": "y" })).toBe('{"10":"y","9":"x"}');
    expect(canonicalContext({})).toBe("{}");
    expect(() => canonicalContext({ a: 1 as unknown as string })).toThrow(TypeError);
  });

  it("createSecretBox picks KMS from configuration (no call is made until use)", () => {
    const box = createSecretBox(parseConfig({ NODE_ENV: "test", SECRETS_PROVIDER: "kms", KMS_KEY_ID: "alias/giftloop" }));
    expect(box.provider).toBe("kms");
  });
});
