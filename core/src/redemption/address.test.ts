import { describe, expect, it } from "vitest";
import { addressSchema } from "./address.ts";

const ok = { name: "Ada Lovelace", line1: "1 Main St", city: "Springfield", region: "IL", postalCode: "62701", country: "US" };
/** The problems of an address as `field:code`, in any order. */
const problems = (input: unknown) => {
  const r = addressSchema.safeParse(input);
  if (r.success) return [];
  return r.error.issues.map((i) => `${i.path.join(".")}:${i.code === "custom" ? (i.params as { code: string }).code : i.code}`).sort();
};

describe("shipping address", () => {
  it("accepts a complete address; blank optional fields are left out and the country is upper-cased", () => {
    const r = addressSchema.parse({ ...ok, company: "  ", line2: "", phone: "", country: "us" });
    expect(r).toEqual({ ...ok, country: "US" });
  });

  it("reports every problem of an empty form at once, each on its field", () => {
    expect(problems({})).toEqual(["city:required", "country:required", "line1:required", "name:required"]);
    expect(problems({ name: "", company: "", line1: " ", line2: "", city: "", region: "", postalCode: "", country: "", phone: "" })).toEqual(
      ["city:required", "country:required", "line1:required", "name:required"],
    );
  });

  it("checks the country's own rules even when other fields are missing", () => {
    // The earlier schema stopped at the missing name and said nothing of the postal code.
    expect(problems({ ...ok, name: "", postalCode: "1234" })).toEqual(["name:required", "postalCode:invalid_postal_code"]);
    expect(problems({ ...ok, name: "", region: "", postalCode: "" })).toEqual(["name:required", "postalCode:required", "region:required"]);
  });

  it("asks for a region and a postal code only where the country has them", () => {
    expect(problems({ name: "A", line1: "1 Rue", city: "Paris", country: "FR" })).toEqual(["postalCode:required"]);
    expect(problems({ name: "A", line1: "1 Rue", city: "Paris", postalCode: "75001", country: "FR" })).toEqual([]);
    expect(problems({ name: "A", line1: "1 Main St", city: "Dublin", country: "IE" })).toEqual([]);
    expect(problems({ name: "A", line1: "1 Main St", city: "Toronto", postalCode: "M5V 2T6", country: "CA" })).toEqual(["region:required"]);
  });

  it("names wrong values: a country that is not a code, a phone with letters, text where text belongs", () => {
    expect(problems({ ...ok, country: "USA" })).toEqual(["country:invalid_country"]);
    expect(problems({ ...ok, phone: "call me" })).toEqual(["phone:invalid_phone"]);
    expect(problems({ ...ok, name: 42 })).toEqual(["name:invalid_type"]);
    expect(problems({ ...ok, city: "x".repeat(101) })).toEqual(["city:too_big"]);
  });

  it("words each problem for a person, without codes or library jargon", () => {
    const r = addressSchema.safeParse({ country: "JP" });
    const messages = r.success ? [] : r.error.issues.map((i) => i.message);
    expect(messages).toContain("Enter the recipient's name.");
    expect(messages).toContain("Enter the state, province or region: addresses in this country need one.");
    for (const m of messages) expect(m).not.toMatch(/Invalid input|expected string|undefined/);
  });
});
