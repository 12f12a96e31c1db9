import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabase, type TestDatabase } from "../../testing/db.ts";
import { isUniqueViolation } from "./errors.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await testDatabase();
});
afterAll(async () => {
  await db?.close();
});

describe("isUniqueViolation", () => {
  it("recognises a unique violation from this database's adapter, and only that", async () => {
    await db.prisma.vendor.create({ data: { shopDomain: "dup.myshopify.com", name: "A" } });
    const dup = await db.prisma.$transaction((tx) => tx.vendor.create({ data: { shopDomain: "dup.myshopify.com", name: "B" } })).catch((e: unknown) => e);
    expect(isUniqueViolation(dup)).toBe(true);
    const other = await db.prisma.vendor.create({ data: { shopDomain: null as never, name: "C" } }).catch((e: unknown) => e);
    expect(isUniqueViolation(other)).toBe(false);
    expect(isUniqueViolation(new Error("boom"))).toBe(false);
  });
});
