import { describe, expect, it } from "vitest";
import {
  InvalidShopDomainError,
  isShopDomain,
  normalizeShopDomain,
  parseShopDomain,
  shopHandle,
} from "./shop-domain.ts";

describe("normalizeShopDomain", () => {
  it.each([
    ["foo.myshopify.com", "foo.myshopify.com"],
    ["Foo-Bar.MyShopify.com", "foo-bar.myshopify.com"],
    ["  foo.myshopify.com  ", "foo.myshopify.com"],
    ["https://foo.myshopify.com", "foo.myshopify.com"],
    ["http://foo.myshopify.com/", "foo.myshopify.com"],
    ["HTTPS://FOO.MYSHOPIFY.COM/admin/orders?x=1#top", "foo.myshopify.com"],
    ["foo.myshopify.com/admin", "foo.myshopify.com"],
    ["store-42.myshopify.com", "store-42.myshopify.com"],
    ["https://admin.shopify.com/store/Foo", "foo.myshopify.com"],
    ["admin.shopify.com/store/foo/products/123", "foo.myshopify.com"],
  ])("accepts %j as %j", (input, expected) => {
    expect(normalizeShopDomain(input)).toBe(expected);
  });

  it.each([
    "",
    "   ",
    "foo",
    "myshopify.com",
    ".myshopify.com",
    "foo.shopify.com",
    "foo.myshopify.com.evil.com",
    "evil.com/foo.myshopify.com",
    "foo.myshopify.com@evil.com",
    "https://user:pass@foo.myshopify.com",
    "foo.myshopify.com:8443",
    "foo.myshopify.io",
    "shop.example.com",
    "a.b.myshopify.com",
    "-foo.myshopify.com",
    "foo-.myshopify.com",
    "foo_bar.myshopify.com",
    "foo bar.myshopify.com",
    "ftp://foo.myshopify.com",
    "javascript:alert(1)//foo.myshopify.com",
    "admin.shopify.com",
    "admin.shopify.com/store/",
    "admin.shopify.com/orders/foo",
    `${"a".repeat(64)}.myshopify.com`,
  ])("rejects %j", (input) => {
    expect(normalizeShopDomain(input)).toBeNull();
  });

  it("accepts a 63-character handle (one DNS label)", () => {
    const shop = `${"a".repeat(63)}.myshopify.com`;
    expect(normalizeShopDomain(shop)).toBe(shop);
  });
});

describe("parseShopDomain", () => {
  it("returns the canonical domain", () => {
    expect(parseShopDomain("https://Foo.myshopify.com/admin")).toBe("foo.myshopify.com");
  });

  it("throws a named error that quotes the input", () => {
    expect(() => parseShopDomain("evil.com")).toThrow(InvalidShopDomainError);
    expect(() => parseShopDomain("evil.com")).toThrow(/"evil\.com"/);
  });
});

describe("isShopDomain", () => {
  it("is true only for canonical values", () => {
    expect(isShopDomain("foo.myshopify.com")).toBe(true);
    expect(isShopDomain("Foo.myshopify.com")).toBe(false);
    expect(isShopDomain("https://foo.myshopify.com")).toBe(false);
    expect(isShopDomain(42)).toBe(false);
    expect(isShopDomain(undefined)).toBe(false);
  });
});

describe("shopHandle", () => {
  it("strips the myshopify suffix", () => {
    expect(shopHandle(parseShopDomain("foo-bar.myshopify.com"))).toBe("foo-bar");
  });
});
