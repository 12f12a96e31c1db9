import { Session } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDeps, type TestDeps } from "../../testing/deps.ts";
import { EncryptedSessionStorage, loadOfflineSession, offlineSessionId, sessionStorageFor } from "./encrypted-session-storage.ts";

let deps: TestDeps;
beforeAll(async () => {
  deps = await testDeps();
});
afterAll(async () => {
  await deps?.close();
});

const SHOP = "northwind.myshopify.com";
const TOKEN = "shpat_0123456789abcdef0123456789abcdef";
const REFRESH = "shprt_fedcba9876543210";

describe(`EncryptedSessionStorage (${process.env.TEST_PG_ADMIN_URL ? "postgres" : "pglite"})`, () => {
  it("stores and loads sessions through Shopify's Prisma storage; the table holds no plaintext token", async () => {
    const storage = sessionStorageFor(deps);
    const offline = new Session({
      id: offlineSessionId(SHOP),
      shop: SHOP,
      state: "state-1",
      isOnline: false,
      scope: "read_products,write_orders",
      accessToken: TOKEN,
      refreshToken: REFRESH,
      refreshTokenExpires: new Date(Date.now() + 86_400_000),
    });
    const online = new Session({ id: `${SHOP}_42`, shop: SHOP, state: "s", isOnline: true, accessToken: "shpua_online_token", expires: new Date(Date.now() + 3_600_000) });
    expect(await storage.storeSession(offline)).toBe(true);
    expect(await storage.storeSession(online)).toBe(true);

    const loaded = await storage.loadSession(offline.id);
    expect(loaded?.accessToken).toBe(TOKEN);
    expect(loaded?.refreshToken).toBe(REFRESH);
    expect(loaded?.scope).toBe("read_products,write_orders");
    expect(loaded?.isOnline).toBe(false);

    const byShop = await storage.findSessionsByShop(SHOP);
    expect(byShop.map((s) => s.accessToken).sort()).toEqual([TOKEN, "shpua_online_token"].sort());

    // Dump the whole table as text: no token appears anywhere.
    const dump = JSON.stringify(await deps.db.sql.query(`SELECT * FROM "Session"`), (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v));
    expect(dump).toContain(SHOP);
    expect(dump).not.toContain(TOKEN);
    expect(dump).not.toContain(REFRESH);
    expect(dump).not.toContain("shpua_online_token");
    const row = await deps.db.prisma.session.findUniqueOrThrow({ where: { id: offline.id } });
    expect(row.accessToken).toMatch(/^v1\.local\./);
    expect(row.refreshToken).toMatch(/^v1\.local\./);
  });

  it("loads the offline session for workers, and nothing for a shop without one", async () => {
    const s = await loadOfflineSession(deps, SHOP);
    expect(s?.accessToken).toBe(TOKEN);
    expect(s?.shop).toBe(SHOP);
    expect(await loadOfflineSession(deps, "other.myshopify.com")).toBeUndefined();
  });

  it("a sealed token moved into another session's row does not decrypt", async () => {
    const storage = new EncryptedSessionStorage(deps.db.prisma, deps.secrets);
    await storage.storeSession(new Session({ id: offlineSessionId("victim.myshopify.com"), shop: "victim.myshopify.com", state: "x", isOnline: false, accessToken: "shpat_victim" }));
    await storage.storeSession(new Session({ id: offlineSessionId("thief.myshopify.com"), shop: "thief.myshopify.com", state: "x", isOnline: false, accessToken: "shpat_thief" }));
    const victim = await deps.db.prisma.session.findUniqueOrThrow({ where: { id: offlineSessionId("victim.myshopify.com") } });
    await deps.db.prisma.session.update({ where: { id: offlineSessionId("thief.myshopify.com") }, data: { accessToken: victim.accessToken } });
    await expect(storage.loadSession(offlineSessionId("thief.myshopify.com"))).rejects.toThrow();
  });

  it("deletes sessions", async () => {
    const storage = sessionStorageFor(deps);
    expect(await storage.deleteSession(`${SHOP}_42`)).toBe(true);
    expect(await storage.loadSession(`${SHOP}_42`)).toBeUndefined();
    await storage.deleteSessions([offlineSessionId(SHOP)]);
    expect(await loadOfflineSession(deps, SHOP)).toBeUndefined();
  });
});
